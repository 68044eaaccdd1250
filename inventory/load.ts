// Reads an inventory file and validates it, reporting every problem at once as
// `file:line:col path: message (got value)` so the operator can fix them in one go.
import { readFileSync } from "node:fs";
import { Document, isCollection, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { Inventory, inventorySchema } from "./schema";

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
  if (doc.errors.length > 0) {
    throw new InventoryError(
      file,
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return `${file}:${line}:${col} ${e.message.split("\n")[0]}`;
      }),
    );
  }
  const result = inventorySchema.safeParse(doc.toJS());
  if (!result.success) throw new InventoryError(file, result.error.issues.flatMap((issue) => describeIssue(issue, doc, lines, file)));
  return result.data;
}

type Path = PropertyKey[];

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
  if (issue.code === "invalid_type") return `must be ${issue.expected === "array" ? "a list" : issue.expected === "object" ? "a mapping" : `a ${issue.expected}`}`;
  return issue.message;
}

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
  return path.map((seg, i) => (typeof seg === "number" ? `[${seg}]` : `${i === 0 ? "" : "."}${String(seg)}`)).join("");
}

function show(value: unknown): string {
  const plain = isCollection(value) ? value.toJSON() : value;
  const text = JSON.stringify(plain);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
