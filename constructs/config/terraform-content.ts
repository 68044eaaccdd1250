// Config files reach the hosts as the `content` of an upload block, which Terraform
// evaluates as a template: `${...}` and `%{...}` in a config (Prometheus relabel
// `${1}`, Alertmanager templates) would be read as Terraform expressions. Only
// secret references of the form `${var.NAME}` are meant for Terraform.

const SECRET_REFERENCE = /\$\{var\.([a-z][a-z0-9_]*)\}/g;

/** The placeholder a renderer writes where a secret goes; it is also what the review copy shows. */
export function secretRef(variableName: string): string {
  return `\${var.${variableName}}`;
}

/** Names of the variables a rendered file refers to. */
export function secretsReferencedBy(text: string): string[] {
  return [...new Set([...text.matchAll(SECRET_REFERENCE)].map((m) => m[1]))];
}

/**
 * Escapes everything Terraform would interpolate except `${var.NAME}` for the
 * declared secret variables; `resolveSecret` turns a name into its cdktf token.
 */
export function toTerraformContent(text: string, resolveSecret: (name: string) => string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(SECRET_REFERENCE)) {
    out += escapeTemplate(text.slice(last, match.index)) + resolveSecret(match[1]);
    last = match.index! + match[0].length;
  }
  return out + escapeTemplate(text.slice(last));
}

function escapeTemplate(text: string): string {
  // Function replacements: in a replacement string "$$" would collapse to "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}
