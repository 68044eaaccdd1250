// Checks generated Loki / Promtail configs key by key against the upstream
// configuration references (the binaries cannot run here, so this is how misspelled
// keys get caught). The references are data in references/, extracted from the
// upstream markdown by scripts/extract-config-references.ts (its header describes
// the format): every section is a tree of keys, a field is its type or a nested block.
// A type that names a section is followed (`<server>` → `server`,
// `<list of period_configs>` → `period_config`); any other type (`<string>`,
// `<int>`, `<map of string to string>`, `<oauth2>`...) is accepted without looking below it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REFERENCE_SOURCES, RefBlock, RefNode, YamlReference } from "../../scripts/extract-config-references";
import { ROOT } from "./example";

export type ReferenceName = "loki" | "promtail";

interface Reference {
  label: string;
  root: RefBlock;
  sections: Map<string, RefBlock>; // by heading and by normalized heading
  stages?: RefBlock; // Promtail pipeline: one field per stage
}

const cache = new Map<ReferenceName, Reference>();

/** Returns one message per key path in `config` (a parsed YAML object) that the named reference does not list, e.g. "compactor.retention_enabeld: not in the Loki v3.7.6 reference". Empty array when all keys are documented. */
export function undocumentedKeys(config: unknown, reference: ReferenceName): string[] {
  let ref = cache.get(reference);
  if (!ref) cache.set(reference, (ref = loadReference(reference)));
  const problems: string[] = [];
  check(config, ref.root, "", ref, problems);
  return problems;
}

// ---------------------------------------------------------------- checking

// `<pipeline_stages>` (scrape_config) and `<stages>` (match stage) are lists of stages.
const PIPELINE_TYPES = new Set(["pipeline_stages", "stages"]);
// Returned by lookup when a key sits under something we cannot describe: accept it.
const UNCHECKED: RefNode = "";

function check(value: unknown, node: RefNode, path: string, ref: Reference, out: string[]): void {
  if (typeof node === "string") return checkType(value, node, path, ref, out);
  if (Array.isArray(value)) {
    if (node.item !== undefined) value.forEach((v, i) => check(v, node.item!, `${path}[${i}]`, ref, out));
    else for (const e of node.embeds ?? []) checkType(value, e, path, ref, out); // match: `stages: [<stages>...]`
    return;
  }
  if (!isMapping(value) || node.anyKey) return;
  for (const [key, v] of Object.entries(value)) {
    const child = join_(path, key);
    const field = lookup(node, key, ref);
    if (field !== undefined) check(v, field, child, ref, out);
    else out.push(`${child}: not in the ${ref.label} reference`);
  }
}

function checkType(value: unknown, type: string, path: string, ref: Reference, out: string[]): void {
  if (!type) return; // a literal example value such as `sync_period: "10s"`
  if (PIPELINE_TYPES.has(type)) {
    if (ref.stages && Array.isArray(value)) value.forEach((v, i) => check(v, ref.stages!, `${path}[${i}]`, ref, out));
    return;
  }
  const list = /^list of (.+)$/.exec(type);
  if (list) {
    const item = section(ref, list[1]);
    if (item && Array.isArray(value)) value.forEach((v, i) => check(v, item, `${path}[${i}]`, ref, out));
    return;
  }
  const map = /^map of string to (.+)$/.exec(type);
  if (map) {
    const entry = section(ref, map[1]);
    if (entry && isMapping(value)) for (const [k, v] of Object.entries(value)) check(v, entry, join_(path, k), ref, out);
    return;
  }
  const block = section(ref, type);
  if (block) check(value, block, path, ref, out);
  // Otherwise a scalar (<string>, <duration>...) or a type the reference does not spell out.
}

function lookup(node: RefBlock, key: string, ref: Reference): RefNode | undefined {
  if (node.fields && Object.hasOwn(node.fields, key)) return node.fields[key];
  for (const embed of node.embeds ?? []) {
    const block = section(ref, embed);
    if (!block) return UNCHECKED; // e.g. Promtail's `[ <tls_config> ]`, which has no section
    const found = lookup(block, key, ref);
    if (found !== undefined) return found;
  }
  return undefined;
}

function section(ref: Reference, type: string): RefBlock | undefined {
  return ref.sections.get(type) ?? ref.sections.get(normalize(type));
}

/**
 * Promtail's type names and headings disagree (`<server_config>` → `## server`,
 * `<client_config>` → `## clients`, `<gcplog_config>` → `### GCP Log`), so names
 * are also compared without case, punctuation, a `_config` suffix or a plural `s`.
 */
function normalize(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")
    .replace(/s$/, "")
    .replace(/config$/, "")
    .replace(/s$/, "");
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const join_ = (path: string, key: string): string => (path ? `${path}.${key}` : key);

// ---------------------------------------------------------------- loading

function loadReference(name: ReferenceName): Reference {
  const data = JSON.parse(readFileSync(join(ROOT, "references", REFERENCE_SOURCES[name].file), "utf8")) as YamlReference;
  const sections = new Map<string, RefBlock>();
  for (const [heading, node] of Object.entries(data.sections)) {
    sections.set(heading, node);
    if (normalize(heading) && !sections.has(normalize(heading))) sections.set(normalize(heading), node);
  }
  return { label: data.label, root: data.root, sections, stages: data.stages && { fields: data.stages } };
}
