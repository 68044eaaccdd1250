// Checks a rendered config.alloy against Grafana Alloy's component reference (no
// Alloy binary can run here, so this is how misspelled arguments get caught).
//
// The reference is data: references/alloy-v1.19.0-rc.3.json, extracted by
// scripts/extract-config-references.ts from github.com/grafana/alloy,
// docs/sources/reference/components/<group>/<component>.md (with the shared files
// they include), at tag v1.19.0-rc.3 (commit acc8ece18e64, 2026-08-20). The image
// is pinned to v1.20.1 (versions.ts), but the mirror available when this was
// written had no v1.20.x tag: regenerate from the v1.20 docs when they are at hand.
// It holds the components config.alloy uses, each with its arguments, blocks
// (nested as the docs' Blocks tables list them) and exported fields.
// `stage.match`'s nested stages are described in prose only, so none is listed
// under it: nesting one is reported.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AlloyBlockSpec, AlloyReference, REFERENCE_SOURCES } from "../../scripts/extract-config-references";
import { ROOT } from "./example";

const REFERENCE = JSON.parse(readFileSync(join(ROOT, "references", REFERENCE_SOURCES.alloy.file), "utf8")) as AlloyReference;
export const REFERENCE_LABEL = REFERENCE.label;
export const ALLOY_COMPONENTS = REFERENCE.components;

/**
 * One message per argument, block or component of `text` that the reference
 * does not list, e.g. "loki.write.default.endpoint.max_backof_period: not in
 * the Alloy v1.19.0-rc.3 reference". Empty when everything is documented.
 */
export function undocumentedAlloyKeys(text: string): string[] {
  let blocks: AlloyBlock[];
  try {
    blocks = parseAlloy(text);
  } catch (e) {
    return [`does not parse: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  for (const block of blocks) {
    const spec = Object.hasOwn(ALLOY_COMPONENTS, block.name) ? ALLOY_COMPONENTS[block.name] : undefined;
    if (!spec) problems.push(`${block.name}: not a component in the ${REFERENCE_LABEL} reference`);
    else if (block.label === undefined) problems.push(`${block.name}: a component needs a label`);
    else checkBlock(block, spec, `${block.name}.${block.label}`, problems);
  }
  return problems;
}

function checkBlock(block: AlloyBlock, spec: AlloyBlockSpec, path: string, out: string[]): void {
  for (const name of block.attrs.keys()) if (!Object.hasOwn(spec.arguments, name)) out.push(`${path}.${name}: not in the ${REFERENCE_LABEL} reference`);
  for (const child of block.blocks) {
    const childSpec = Object.hasOwn(spec.blocks, child.name) ? spec.blocks[child.name] : undefined;
    if (!childSpec) out.push(`${path}.${child.name}: not in the ${REFERENCE_LABEL} reference`);
    else if (child.label !== undefined) out.push(`${path}.${child.name}: a nested block takes no label`);
    else checkBlock(child, childSpec, `${path}.${child.name}`, out);
  }
}

// ---------------------------------------------------------------- a small Alloy parser
//
// Enough of the syntax for generated files: blocks (`name "label" { ... }`),
// attributes (`name = value`), and values that are literals (string, raw string,
// number, bool, null), lists, objects and references (`a.b.c`). Anything else
// (operators, function calls) is a parse error, so the checker never guesses.

/** A reference to another component's export, e.g. `loki.write.default.receiver`. */
export class AlloyRef {
  constructor(readonly path: string) {}
}
export type AlloyValue = string | number | boolean | null | AlloyRef | AlloyValue[] | { [key: string]: AlloyValue };

export interface AlloyBlock {
  readonly name: string;
  readonly label?: string;
  readonly attrs: Map<string, AlloyValue>;
  readonly blocks: AlloyBlock[];
}

export interface Token {
  readonly kind: "ident" | "string" | "number" | "punct" | "newline" | "eof";
  readonly text: string; // punctuation, identifier, number text; a string's decoded value
  readonly line: number;
}

const ESCAPES: Record<string, string> = { "\\": "\\", a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "'": "'", '"': '"' };

/** Splits Alloy text into tokens; comments are dropped, a run of newlines is one token. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const push = (kind: Token["kind"], t: string) => tokens.push({ kind, text: t, line });
  const newline = () => {
    if (tokens.length > 0 && tokens[tokens.length - 1].kind !== "newline") push("newline", "\n");
    line++;
  };
  while (i < text.length) {
    const c = text[i];
    const rest = text.slice(i);
    if (c === "\n") {
      newline();
      i++;
    } else if (c === " " || c === "\t" || c === "\r") i++;
    else if (rest.startsWith("//")) i = text.indexOf("\n", i) === -1 ? text.length : text.indexOf("\n", i);
    else if (rest.startsWith("/*")) {
      const end = text.indexOf("*/", i + 2);
      if (end === -1) throw new Error(`line ${line}: unterminated block comment`);
      for (const ch of text.slice(i, end)) if (ch === "\n") newline();
      i = end + 2;
    } else if (c === '"') {
      let value = "";
      i++;
      for (;;) {
        const ch = text[i];
        if (ch === undefined || ch === "\n") throw new Error(`line ${line}: unterminated string`);
        i++;
        if (ch === '"') break;
        if (ch !== "\\") {
          value += ch;
          continue;
        }
        const e = text[i];
        const hex = /^(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/.exec(text.slice(i))?.[0];
        const octal = /^[0-7]{3}/.exec(text.slice(i))?.[0];
        if (ESCAPES[e] !== undefined) (value += ESCAPES[e]), i++;
        else if (hex) (value += String.fromCodePoint(parseInt(hex.slice(1), 16))), (i += hex.length);
        else if (octal) (value += String.fromCharCode(parseInt(octal, 8))), (i += 3);
        else throw new Error(`line ${line}: unknown escape \\${e}`);
      }
      push("string", value);
    } else if (c === "`") {
      const end = text.indexOf("`", i + 1);
      if (end === -1) throw new Error(`line ${line}: unterminated raw string`);
      push("string", text.slice(i + 1, end));
      for (const ch of text.slice(i, end)) if (ch === "\n") line++;
      i = end + 1;
    } else if ("{}[](),=".includes(c)) {
      push("punct", c);
      i++;
    } else {
      const m = /^[\p{L}_][\p{L}\p{N}_]*(\.[\p{L}_][\p{L}\p{N}_]*)*/u.exec(rest) ?? /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
      if (!m) throw new Error(`line ${line}: unsupported character ${JSON.stringify(c)}`);
      push(/^[-\d]/.test(m[0]) ? "number" : "ident", m[0]);
      i += m[0].length;
    }
  }
  push("eof", "");
  return tokens;
}

/** Parses Alloy text into its top-level blocks; throws on anything outside the subset above. */
export function parseAlloy(text: string): AlloyBlock[] {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const fail = (t: Token, what: string): never => {
    throw new Error(`line ${t.line}: expected ${what}, got ${t.kind === "newline" ? "end of line" : JSON.stringify(t.text)}`);
  };
  const at = (punct: string) => peek().kind === "punct" && peek().text === punct;
  const expect = (punct: string) => (at(punct) ? next() : fail(peek(), JSON.stringify(punct)));
  const skipNewlines = () => {
    while (peek().kind === "newline") pos++;
  };

  function body(closing: "}" | "eof"): { attrs: Map<string, AlloyValue>; blocks: AlloyBlock[] } {
    const attrs = new Map<string, AlloyValue>();
    const blocks: AlloyBlock[] = [];
    for (;;) {
      skipNewlines();
      const t = peek();
      if (closing === "}" ? at("}") : t.kind === "eof") return { attrs, blocks };
      const name = next();
      if (name.kind !== "ident") fail(name, "an attribute or block name");
      if (at("=")) {
        next();
        if (attrs.has(name.text)) throw new Error(`line ${name.line}: attribute ${name.text} set twice`);
        attrs.set(name.text, value());
      } else {
        const label = peek().kind === "string" ? next().text : undefined;
        expect("{");
        const inner = body("}");
        expect("}");
        blocks.push({ name: name.text, label, ...inner });
      }
      if (peek().kind !== "newline" && peek().kind !== "eof" && !at("}")) fail(peek(), "end of line");
    }
  }

  function value(): AlloyValue {
    const t = next();
    if (t.kind === "string") return t.text;
    if (t.kind === "number") return Number(t.text);
    if (t.kind === "ident") {
      if (t.text === "true" || t.text === "false") return t.text === "true";
      if (t.text === "null") return null;
      if (at("(")) throw new Error(`line ${t.line}: function calls are not supported here`);
      return new AlloyRef(t.text);
    }
    if (t.kind === "punct" && t.text === "[") {
      const items: AlloyValue[] = [];
      for (skipNewlines(); !at("]"); skipNewlines()) {
        items.push(value());
        skipNewlines();
        if (at(",")) next();
        else if (!at("]")) fail(peek(), '"," or "]"');
      }
      next();
      return items;
    }
    if (t.kind === "punct" && t.text === "{") {
      const obj: { [key: string]: AlloyValue } = {};
      for (skipNewlines(); !at("}"); skipNewlines()) {
        const key = next();
        if (key.kind !== "ident" && key.kind !== "string") fail(key, "an object key");
        expect("=");
        obj[key.text] = value();
        skipNewlines();
        if (at(",")) next();
        else if (!at("}")) fail(peek(), '"," or "}"');
      }
      next();
      return obj;
    }
    return fail(t, "a value");
  }

  const { attrs, blocks } = body("eof");
  if (attrs.size > 0) throw new Error(`top-level attributes are not used in this config: ${[...attrs.keys()].join(", ")}`);
  return blocks;
}
