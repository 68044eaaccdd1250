// Reads an inventory file and validates it, reporting every problem at once as
// `file:line:col path: message (got value)` so the operator can fix them in one go.
import { readFileSync } from "node:fs";
import { Alias, Document, isCollection, isMap, LineCounter, parseDocument, visit } from "yaml";
import type { z } from "zod";
import { Inventory, inventorySchema } from "./schema";
import { textProblemsIn } from "./text-rules";

export class InventoryError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: the inventory is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
    this.name = "InventoryError";
  }
}

export function loadInventory(file: string): Inventory {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new InventoryError(file, [`cannot read the file: ${(err as Error).message}`]);
  }
  return parseInventory(text, file);
}

export function parseInventory(text: string, file: string): Inventory {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  // Warnings are problems too: an unknown tag (!custom) would otherwise pass as a plain string.
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0) {
    throw new InventoryError(
      file,
      yamlProblems.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return `${file}:${line}:${col} ${yamlErrorMessage(e.code, e.message)}`;
      }),
    );
  }
  if (!isMap(doc.contents)) {
    const what = doc.contents === null ? "is empty (or only comments)" : "must be a mapping with the keys hub, edgeAgent, sites and alerting";
    throw new InventoryError(file, [`${where(doc, lines, file, [])}: the inventory ${what}; see inventory/sites.yaml for an example`]);
  }
  const data = toPlainData(doc, lines, file);
  // Text rules first: a value they refuse gets that one message, not a second one from its field's type.
  const textProblems = textProblemsIn(doc.contents);
  const refused = new Set(textProblems.map((p) => JSON.stringify(p.path)));
  const problems = textProblems.map((p) => `${where(doc, lines, file, p.path)}: ${p.message}, got ${show(doc.getIn(p.path))}`);
  const result = inventorySchema.safeParse(data);
  if (result.success && problems.length === 0) return result.data;
  const issues = result.success ? [] : result.error.issues.filter((issue) => !refused.has(JSON.stringify(issue.path)));
  throw new InventoryError(file, [...problems, ...issues.flatMap((issue) => describeIssue(issue, doc, lines, file))]);
}

/** The document as plain data; aliases that point nowhere or expand without end become messages. */
function toPlainData(doc: Document, lines: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    let alias: Alias | undefined;
    visit(doc, { Alias: (_, node) => ((alias ??= node), visit.BREAK) });
    const at = alias?.range ? lines.linePos(alias.range[0]) : { line: 1, col: 1 };
    const message = /Unresolved alias/.test(err.message)
      ? `the alias *${alias?.source} refers to no anchor (&${alias?.source}) defined before it`
      : "the document expands YAML aliases more than 100 times (a guard against resource exhaustion): write the values out";
    throw new InventoryError(file, [`${file}:${at.line}:${at.col} ${message}`]);
  }
}

function yamlErrorMessage(code: string, message: string): string {
  if (code === "MULTIPLE_DOCS") return "the file must hold one YAML document; remove the second one (after ---)";
  if (code === "DUPLICATE_KEY") return "a key appears twice in the same mapping; keep one";
  if (code === "TAG_RESOLVE_FAILED") return `${message.split("\n")[0]}: the inventory uses no YAML tags; write the plain value`;
  return message.split("\n")[0];
}

type Path = PropertyKey[];

/**
 * A problem found after validation (where the resources are made), placed at
 * `path` of the file like the schema's own messages.
 */
export function inventoryProblem(file: string, path: Path, message: string): string {
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter: lines });
  return `${where(doc, lines, file, path)}: ${message}, got ${show(doc.getIn(path as unknown[]))}`;
}

function describeIssue(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, file: string): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return `${where(doc, lines, file, path)}: unknown key (allowed keys are listed in inventory/inventory.schema.json)`;
    });
  }
  const path = issue.path;
  const value = doc.getIn(path as unknown[]);
  // A rule's own message says more than "is required" (a default filled the value in, or the rule needs it).
  const found = value === undefined && issue.code !== "custom" ? "is required" : messageFor(issue);
  const got = value === undefined ? "" : `, got ${show(value)}`;
  return [`${where(doc, lines, file, path)}: ${found}${got}`];
}

function messageFor(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_union" && "note" in issue && issue.note === "No matching discriminator") {
    const named = issue.path.filter((seg) => typeof seg === "string");
    const last = named[named.length - 1] === "type" ? named[named.length - 2] : named[named.length - 1];
    if (last === "auth") return "type must be one of the remote write auth types basic, bearer";
    if (last === "storage") return "type must be one of the log storage types filesystem, s3";
    return "type must be one of the receiver types webhook, email, pushover, msteams";
  }
  if (issue.code === "invalid_type") return `must be ${EXPECTED[issue.expected] ?? `a ${issue.expected}`}`;
  return issue.message;
}

const EXPECTED: Record<string, string> = {
  array: "a list",
  object: "a mapping",
  int: "a whole number",
  number: "a number",
  string: "a text value",
  boolean: "true or false",
};

function where(doc: Document, lines: LineCounter, file: string, path: Path): string {
  return `${file}:${position(doc, lines, path)} ${formatPath(path)}`;
}

/** Line and column of the deepest node of `path` that exists in the document. */
function position(doc: Document, lines: LineCounter, path: Path): string {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node?.range) {
      const { line, col } = lines.linePos(node.range[0]);
      return `${line}:${col}`;
    }
  }
  return "1:1";
}

export function formatPath(path: Path): string {
  if (path.length === 0) return "(document)";
  // A key that is not a plain name (an unknown key can be anything) is shown quoted, escapes and all.
  return path
    .map((seg, i) => (typeof seg === "number" ? `[${seg}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(seg)) ? `${i === 0 ? "" : "."}${String(seg)}` : `[${escapeInvisible(JSON.stringify(String(seg)))}]`))
    .join("");
}

/** The value as the operator wrote it, quoted; URL passwords masked, long values cut. */
function show(value: unknown): string {
  const plain = isCollection(value) ? value.toJSON() : value;
  if (typeof plain === "number" && !Number.isFinite(plain)) return String(plain);
  const text = escapeInvisible(JSON.stringify(plain, (_, v) => (typeof v === "string" ? maskPasswords(v) : v)) ?? String(plain));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Invisible characters (bidirectional overrides, zero-width, private use) as \\uXXXX, so the message shows them. */
function escapeInvisible(text: string): string {
  return text.replace(/[\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ue000-\uf8ff\ufeff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function maskPasswords(text: string): string {
  return text.replace(/(\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]*@/g, "$1***@");
}
