// Is the floor's output the project's? Parsed cdk.tf.json compared value by
// value, leaving out only cdktf's `//` metadata: construct paths, override lists
// and the outputs map necessarily differ between two different apps.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CDKTF_METADATA_KEY, JsonObject, readManifestStacks, readStackDocument } from "./synth-output";

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** Blocks whose elements (`<block>.<type>.<name>`) carry cdktf's per-element `//`. */
const ELEMENT_BLOCKS = ["resource", "data"];

/** `doc` without the top-level `//` and the `//` of every resource and data source; any deeper `//` is data and stays. */
export function withoutCdktfMetadata(doc: JsonObject): JsonObject {
  const { [CDKTF_METADATA_KEY]: _metadata, ...rest } = doc;
  for (const block of ELEMENT_BLOCKS) {
    if (!isObject(rest[block])) continue;
    rest[block] = Object.fromEntries(
      Object.entries(rest[block]).map(([type, named]) => [
        type,
        isObject(named)
          ? Object.fromEntries(
              Object.entries(named).map(([name, element]) => {
                if (!isObject(element)) return [name, element];
                const { [CDKTF_METADATA_KEY]: _elementMetadata, ...attributes } = element;
                return [name, attributes];
              }),
            )
          : named,
      ]),
    );
  }
  return rest;
}

function show(value: unknown): string {
  if (value === undefined) return "(absent)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Where `expected` and `actual` (parsed JSON) differ, one line per path, at most `limit` lines. Key order does not count. */
export function jsonDifferences(expected: unknown, actual: unknown, limit = 20, path = "$"): string[] {
  const out: string[] = [];
  const visit = (a: unknown, b: unknown, at: string): void => {
    if (out.length >= limit) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) out.push(`${at}: ${a.length} items expected, got ${b.length}`);
      for (let i = 0; i < Math.min(a.length, b.length); i++) visit(a[i], b[i], `${at}[${i}]`);
    } else if (isObject(a) && isObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) visit(a[key], b[key], `${at}.${key}`);
    } else if (a !== b) {
      out.push(`${at}: expected ${show(a)}, got ${show(b)}`);
    }
  };
  visit(expected, actual, path);
  return out;
}

/**
 * Differences between every stack's cdk.tf.json in `projectOutdir` and the floor's
 * in `floorOutdir` (`//` left out), and between the stacks' dependencies; empty when equivalent.
 */
export function floorDifferences(projectOutdir: string, floorOutdir: string, limitPerStack = 20): string[] {
  const floorStacks = new Map(readManifestStacks(floorOutdir).map((s) => [s.name, s]));
  const out: string[] = [];
  for (const stack of readManifestStacks(projectOutdir)) {
    const floor = floorStacks.get(stack.name);
    floorStacks.delete(stack.name);
    if (!floor || !existsSync(join(floorOutdir, floor.synthesizedStackPath))) {
      out.push(`${stack.name}: the floor has no such stack`);
      continue;
    }
    const dependencies = jsonDifferences([...stack.dependencies].sort(), [...floor.dependencies].sort(), limitPerStack, "dependencies");
    const content = jsonDifferences(withoutCdktfMetadata(readStackDocument(projectOutdir, stack)), withoutCdktfMetadata(readStackDocument(floorOutdir, floor)), limitPerStack);
    out.push(...[...dependencies, ...content].map((line) => `${stack.name}: ${line}`));
  }
  for (const extra of floorStacks.keys()) out.push(`${extra}: only the floor has this stack`);
  return out;
}
