// Config files reach the hosts as the `content` of an upload block, which Terraform
// evaluates as a template: `${...}` and `%{...}` in a config (Prometheus relabel
// `${1}`, Alertmanager templates) would be read as Terraform expressions. Only
// the placeholders below are meant for Terraform; everything else is escaped.
//
//   ${var.NAME}          a sensitive variable the operator supplies
//   ${password.WHO}      a generated password (random_password)
//   ${bcrypt.WHO}        its bcrypt hash, for web configs
//   ${tls.ca.cert}       the private CA's certificate
//   ${tls.HOST.cert}     a host's certificate, ${tls.HOST.key} its private key
//
// rendered/ shows the placeholders; cdk.tf.json gets Terraform references.

const PLACEHOLDER = /\$\{(var|password|bcrypt)\.([a-z][a-z0-9_-]*)\}|\$\{tls\.([a-z][a-z0-9_-]*)\.(cert|key)\}/g;

export type Placeholder =
  | { readonly kind: "var" | "password" | "bcrypt"; readonly name: string }
  | { readonly kind: "tls"; readonly name: string; readonly part: "cert" | "key" };

/** The placeholder a renderer writes where a secret variable goes. */
export const secretRef = (variableName: string) => `\${var.${variableName}}`;
/** Where a generated password goes (client side). */
export const passwordRef = (identity: string) => `\${password.${identity}}`;
/** Where a password's bcrypt hash goes (server side). */
export const bcryptRef = (identity: string) => `\${bcrypt.${identity}}`;
/** A host's certificate or private key (PEM); host "ca" with part "cert" is the CA. */
export const tlsRef = (host: string, part: "cert" | "key") => `\${tls.${host}.${part}}`;

/** Every placeholder in a rendered file, in order of appearance (repeats included). */
export function placeholdersIn(text: string): Placeholder[] {
  return [...text.matchAll(PLACEHOLDER)].map(toPlaceholder);
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
  for (const match of text.matchAll(PLACEHOLDER)) {
    out += escapeTemplate(text.slice(last, match.index)) + resolve(toPlaceholder(match));
    last = match.index! + match[0].length;
  }
  return out + escapeTemplate(text.slice(last));
}

/** Replaces each placeholder with a value (tests: generated passwords and certificates). */
export function fillPlaceholders(text: string, value: (placeholder: Placeholder) => string): string {
  return text.replace(PLACEHOLDER, (...match) => value(toPlaceholder(match as unknown as RegExpMatchArray)));
}

function toPlaceholder(match: RegExpMatchArray): Placeholder {
  return match[3] !== undefined ? { kind: "tls", name: match[3], part: match[4] as "cert" | "key" } : { kind: match[1] as "var" | "password" | "bcrypt", name: match[2] };
}

function escapeTemplate(text: string): string {
  // Function replacements: in a replacement string "$$" would collapse to "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}
