// Config files reach the hosts as the `content` of an upload block, which Terraform
// evaluates as a template: `${...}` and `%{...}` in a config (Prometheus relabel
// `${1}`, Alertmanager templates) would be read as Terraform expressions. Only
// placeholders are meant for Terraform; everything else is escaped.
//
// A placeholder is made by code, never recognised in text: the functions below
// wrap it in two private-use characters (U+E000 … U+E001) that no inventory value
// may contain (inventory/text-rules.ts refuses them), so a camera path or an SMTP
// username that spells `${password.operator}` stays that literal text.
//
//   var NAME          a sensitive variable the operator supplies
//   password WHO      a generated password (random_password)
//   bcrypt WHO        its bcrypt hash, for web configs
//   tls ca cert       the private CA's certificate
//   tls HOST cert     a host's certificate; tls HOST key its private key
//
// rendered/ shows them readably as `${var.NAME}`, `${tls.HOST.cert}`, ... (displayForm);
// cdk.tf.json gets Terraform references.
import { isTerraformVariableName, TERRAFORM_VARIABLE_NAME_RULE } from "../value-types";

const OPEN = "\uE000";
const CLOSE = "\uE001";
const MARKED = /\uE000(var|password|bcrypt|tls)\.([a-z][a-z0-9_-]*)(?:\.(cert|key))?\uE001/g;
/** The readable form in rendered/; only test support turns it back into values. */
const DISPLAYED = /\$\{(var|password|bcrypt)\.([a-z][a-z0-9_-]*)\}|\$\{tls\.([a-z][a-z0-9_-]*)\.(cert|key)\}/g;
const IDENTITY = /^[a-z][a-z0-9_-]*$/;

export type Placeholder =
  | { readonly kind: "var" | "password" | "bcrypt"; readonly name: string }
  | { readonly kind: "tls"; readonly name: string; readonly part: "cert" | "key" };

/** The placeholder a renderer writes where a secret variable goes. */
export function secretRef(variableName: string): string {
  if (!isTerraformVariableName(variableName)) throw new Error(`secret variable name ${TERRAFORM_VARIABLE_NAME_RULE}, got ${JSON.stringify(variableName)}`);
  return `${OPEN}var.${variableName}${CLOSE}`;
}
/** Where a generated password goes (client side). */
export const passwordRef = (identity: string) => mark("password", identity);
/** Where a password's bcrypt hash goes (server side). */
export const bcryptRef = (identity: string) => mark("bcrypt", identity);
/** A host's certificate or private key (PEM); host "ca" with part "cert" is the CA. */
export const tlsRef = (host: string, part: "cert" | "key") => `${mark("tls", host).slice(0, -1)}.${part}${CLOSE}`;

function mark(kind: string, name: string): string {
  if (!IDENTITY.test(name)) throw new Error(`${kind} placeholder name must be lowercase letters, digits, "_" or "-", starting with a letter, got ${JSON.stringify(name)}`);
  return `${OPEN}${kind}.${name}${CLOSE}`;
}

/** Every placeholder in a rendered file, in order of appearance (repeats included). */
export function placeholdersIn(text: string): Placeholder[] {
  return [...text.matchAll(MARKED)].map(toPlaceholder);
}

/** Names of the sensitive variables a rendered file refers to. */
export function secretsReferencedBy(text: string): string[] {
  return [...new Set(placeholdersIn(text).flatMap((p) => (p.kind === "var" ? [p.name] : [])))];
}

/**
 * Escapes everything Terraform would interpolate except the placeholders, which
 * `resolve` turns into cdktf tokens (variables, resources, other stacks' outputs).
 */
export function toTerraformContent(text: string, resolve: (placeholder: Placeholder) => string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(MARKED)) {
    out += escapeTerraformTemplate(text.slice(last, match.index)) + resolve(toPlaceholder(match));
    last = match.index! + match[0].length;
  }
  return out + escapeTerraformTemplate(text.slice(last));
}

/** The review copy of a file (rendered/): placeholders as `${var.NAME}`, `${tls.HOST.cert}`, ... */
export function displayForm(text: string): string {
  return text.replace(MARKED, (...match) => display(toPlaceholder(match as unknown as RegExpMatchArray)));
}

/** Replaces each displayed placeholder of a review copy with a value (tests: generated passwords and certificates). */
export function fillPlaceholders(reviewCopy: string, value: (placeholder: Placeholder) => string): string {
  return reviewCopy.replace(DISPLAYED, (...m) =>
    value(m[3] !== undefined ? { kind: "tls", name: m[3], part: m[4] as "cert" | "key" } : { kind: m[1] as "var" | "password" | "bcrypt", name: m[2] }),
  );
}

/**
 * Text for a Terraform string: `${` and `%{` become literal. Every value from
 * outside the code (the inventory) that lands in cdk.tf.json goes through here.
 */
export function escapeTerraformTemplate(text: string): string {
  // Function replacements: in a replacement string "$$" would collapse to "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

function toPlaceholder(match: RegExpMatchArray): Placeholder {
  return match[1] === "tls" ? { kind: "tls", name: match[2], part: match[3] as "cert" | "key" } : { kind: match[1] as "var" | "password" | "bcrypt", name: match[2] };
}

function display(p: Placeholder): string {
  return p.kind === "tls" ? `\${tls.${p.name}.${p.part}}` : `\${${p.kind}.${p.name}}`;
}
