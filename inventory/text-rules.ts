// Rules every string of the inventory obeys, whatever its field. Inventory text
// ends up in Terraform JSON, YAML configs, PromQL, Go templates and URLs; no field
// needs template syntax or control characters, so none may carry them, and text
// a person typed can never become an expression, a template or a placeholder.
import { isMap, isScalar, isSeq, Node } from "yaml";

export const MAX_TEXT_LENGTH = 1024;

type Path = (string | number)[];
export interface TextProblem {
  readonly path: Path;
  readonly message: string;
}

const RULES: { readonly test: RegExp; readonly why: (found: string) => string }[] = [
  { test: /\$\{|%\{/, why: (found) => `contains "${found}", which Terraform would read as an expression` },
  { test: /\{\{|\}\}/, why: (found) => `contains "${found}", which Prometheus and Alertmanager templates would execute` },
  { test: /[\u0000-\u001f\u007f-\u009f]/, why: (found) => `contains the control character ${codePoint(found)}` },
  // Private use (code-made placeholders use U+E000/U+E001), bidirectional overrides and zero-width characters.
  { test: /[\ue000-\uf8ff\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\ufeff]/, why: (found) => `contains the invisible or private-use character ${codePoint(found)}` },
];

/** What is wrong with one string, or undefined; the first rule it breaks. */
export function textProblem(value: string): string | undefined {
  for (const rule of RULES) {
    const found = rule.test.exec(value);
    if (found) return `${rule.why(found[0])}: inventory text must be plain (no \${, %{, {{, }}, control or invisible characters)`;
  }
  if (value.length > MAX_TEXT_LENGTH) return `is ${value.length} characters long; at most ${MAX_TEXT_LENGTH} are allowed`;
  return undefined;
}

/** Every string in the document that breaks a rule, with its path (keys are checked as paths, by the schema). */
export function textProblemsIn(root: Node | null | undefined): TextProblem[] {
  const problems: TextProblem[] = [];
  const visit = (node: unknown, path: Path) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        visit(pair.value, [...path, String(key)]);
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => visit(item, [...path, i]));
    else if (isScalar(node) && typeof node.value === "string") {
      const message = textProblem(node.value);
      if (message) problems.push({ path, message });
    }
  };
  visit(root, []);
  return problems;
}

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}
