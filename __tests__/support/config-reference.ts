// Checks generated Loki / Promtail configs key by key against the upstream
// configuration references kept as markdown in ../shared/config-references (beside the repository)
// (the binaries cannot run here, so this is how misspelled keys get caught).
//
// Both references describe each block as a YAML-ish code block under a `##` or
// `###` heading. Lines are read as:
//   [key: <type> | default = ...]  or  key: <type>   a field (brackets = optional)
//   key:                                            opens a nested block (by indentation)
//   [<block>]                                       the block's keys are valid here too (inline)
//   [ <labelname>: <labelvalue> ... ]  or  [: <map of string to X>]   free-form map
//   - [<block>]  /  [ - <string> ... ]  /  - key: ...   the value is a list of those items
// A `<type>` that names a section is followed (`<server>` → `### server`,
// `<list of period_configs>` → `### period_config`); any other type (`<string>`,
// `<int>`, `<map of string to string>`, `<oauth2>`...) is accepted without looking below it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type ReferenceName = "loki" | "promtail";

// The references sit beside the repository (shared/ next to the clone); CI elsewhere
// downloads the same upstream files and points CONFIG_REFERENCES_DIR at them.
const REFERENCES_DIR = process.env.CONFIG_REFERENCES_DIR ?? join(__dirname, "..", "..", "..", "shared", "config-references");

const SOURCES: Record<ReferenceName, { label: string; file: string; stagesDir?: string }> = {
  loki: { label: "Loki v3.7.6", file: "loki-v3.7.6-configuration.md" },
  promtail: { label: "Promtail v3.6.15", file: "promtail-v3.6.15-configuration.md", stagesDir: "promtail-v3.6.15-stages" },
};

/** One block of the reference. A field is a leaf with a `type`, or a nested block. */
interface Node {
  type?: string; // text inside `<...>`, "" for a literal example value
  fields: Map<string, Node>;
  embeds: string[]; // `[<block>]` lines
  anyKey: boolean; // free-form map: every key is accepted
  item?: Node; // set when the value is a list
}

interface Reference {
  label: string;
  root: Node;
  sections: Map<string, Node>; // by heading and by normalized heading
  stages?: Node; // Promtail pipeline: one field per stage file
}

const newNode = (type?: string): Node => ({ type, fields: new Map(), embeds: [], anyKey: false });

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
const UNCHECKED = newNode("");

function check(value: unknown, node: Node, path: string, ref: Reference, out: string[]): void {
  if (node.type !== undefined) return checkType(value, node.type, path, ref, out);
  if (Array.isArray(value)) {
    if (node.item) value.forEach((v, i) => check(v, node.item!, `${path}[${i}]`, ref, out));
    else for (const e of node.embeds) checkType(value, e, path, ref, out); // match: `stages: [<stages>...]`
    return;
  }
  if (!isMapping(value) || node.anyKey) return;
  for (const [key, v] of Object.entries(value)) {
    const child = join_(path, key);
    const field = lookup(node, key, ref);
    if (field) check(v, field, child, ref, out);
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

function lookup(node: Node, key: string, ref: Reference): Node | undefined {
  const own = node.fields.get(key);
  if (own) return own;
  for (const embed of node.embeds) {
    const block = section(ref, embed);
    if (!block) return UNCHECKED; // e.g. Promtail's `[ <tls_config> ]`, which has no section
    const found = lookup(block, key, ref);
    if (found) return found;
  }
  return undefined;
}

function section(ref: Reference, type: string): Node | undefined {
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

// ---------------------------------------------------------------- parsing

function loadReference(name: ReferenceName): Reference {
  const source = SOURCES[name];
  const sections = new Map<string, Node>();
  let root: Node | undefined;
  for (const { heading, blocks } of splitSections(readFileSync(join(REFERENCES_DIR, source.file), "utf8"))) {
    // Skip the text before the first heading, and empty sections (Promtail's
    // `## options_config` has no block): an undescribed type is accepted, not enforced empty.
    if (!heading || blocks.length === 0) continue;
    const node = parseBlock(pickSchemaBlock(blocks));
    if (heading.startsWith("Supported contents")) root = node;
    sections.set(heading, node);
    if (normalize(heading) && !sections.has(normalize(heading))) sections.set(normalize(heading), node);
  }
  if (!root) throw new Error(`${source.file}: no "Supported contents" section`);
  return { label: source.label, root, sections, stages: source.stagesDir ? loadStages(join(REFERENCES_DIR, source.stagesDir)) : undefined };
}

/** One stage per file; its schema is the first yaml block that starts with `<stage>:`. */
function loadStages(dir: string): Node {
  const stages = newNode();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".md"))) {
    const stage = file.replace(/\.md$/, "");
    const blocks = splitSections(readFileSync(join(dir, file), "utf8")).flatMap((s) => s.blocks);
    const schema = blocks.find((b) => firstKey(b) === stage);
    // A stage file without a schema block still names a valid stage: accept its contents.
    stages.fields.set(stage, schema ? (parseBlock(schema).fields.get(stage) ?? UNCHECKED) : UNCHECKED);
  }
  return stages;
}

function firstKey(block: string[]): string | undefined {
  const line = block.find((l) => l.trim() && !l.trim().startsWith("#"));
  return line ? /^\s*([\w-]+)\s*:/.exec(line)?.[1] : undefined;
}

/** Splits markdown at `##`/`###` headings (`####` stays inside) and collects each section's yaml code blocks. */
function splitSections(markdown: string): { heading: string; blocks: string[][] }[] {
  const sections: { heading: string; blocks: string[][] }[] = [{ heading: "", blocks: [] }];
  let block: string[] | undefined;
  let inFence = false;
  for (const line of markdown.split("\n")) {
    const fence = /^\s*```\s*(\w*)/.exec(line);
    if (fence) {
      if (!inFence && fence[1] === "yaml") sections[sections.length - 1].blocks.push((block = []));
      else block = undefined;
      inFence = !inFence;
    } else if (inFence) {
      block?.push(line);
    } else {
      const heading = /^#{2,3}\s+(.+?)\s*:?\s*$/.exec(line);
      if (heading) sections.push({ heading: heading[1].replace(/`/g, ""), blocks: [] });
    }
  }
  return sections;
}

/**
 * Some sections also hold examples (Loki's named_stores_config, Promtail's
 * docker_sd_configs, file_sd_config). The schema is the block with the most
 * `key: <type>` lines; examples have concrete values instead of `<...>`.
 */
function pickSchemaBlock(blocks: string[][]): string[] {
  const score = (b: string[]) => b.filter((l) => /^\s*\[?\s*(-\s*)?[\w-]+\s*:.*</.test(l) && !l.trim().startsWith("#")).length;
  return blocks.reduce<string[]>((best, b) => (score(b) > score(best) ? b : best), blocks[0] ?? []);
}

interface Open {
  node: Node;
  col: number;
  isItem: boolean;
}

/** Builds a Node from one code block, nesting by indentation. */
function parseBlock(lines: string[]): Node {
  const root = newNode();
  const stack: Open[] = [{ node: root, col: -1, isItem: false }];
  const opened: Node[] = [];
  for (const raw of lines) {
    const body = raw.trim();
    if (!body || body.startsWith("#")) continue;
    const lead = raw.length - raw.trimStart().length;
    let s = body.replace(/^\[\s*/, ""); // optional marker
    const dash = /^-(\s|$)/.test(s);
    if (dash) s = s.slice(1).trim().replace(/^\[\s*/, "");

    // A list item belongs to the block it is indented under, or sits at the same
    // column as its key (`relabel_configs:\n- source_labels: ...`); a new item
    // closes the previous sibling item.
    const top = () => stack[stack.length - 1];
    while (dash ? top().col > lead || (top().col === lead && top().isItem) : top().col >= lead) stack.pop();
    const parent = top().node;

    const key = /^([A-Za-z_][\w-]*)\s*:(.*)$/.exec(s);
    if (key) {
      let owner = parent;
      if (dash) {
        // `- key: ...` items are blocks; several example items merge into one schema.
        if (!parent.item || parent.item.type !== undefined) parent.item = newNode();
        owner = parent.item;
        stack.push({ node: owner, col: lead, isItem: true });
      }
      const rest = key[2].trim();
      const type = /<([^<>]*)>/.exec(rest)?.[1];
      if (rest === "") {
        const child = newNode(); // bare `key:` opens a nested block
        owner.fields.set(key[1], child);
        opened.push(child);
        stack.push({ node: child, col: dash ? raw.indexOf(key[1]) : lead, isItem: false });
      } else if (rest === "{}") {
        owner.fields.set(key[1], newNode()); // `docker: {}`: a block with no keys
      } else {
        owner.fields.set(key[1], newNode(type?.trim() ?? ""));
        // A list item spelled with concrete values (journal's `relabel_configs:
        // - source_labels: [...]`) is an example, not the full list of keys: accept any key.
        if (type === undefined && top().isItem) owner.anyKey = true;
      }
      continue;
    }
    if (/^(<[^<>]*>)?\s*:/.test(s)) {
      parent.anyKey = true; // `[ <labelname>: <labelvalue> ... ]`, `[: <map of string to Header>]`
      continue;
    }
    const ref = /^<([^<>]+)>/.exec(s)?.[1].trim();
    if (dash) parent.item = newNode(ref ?? ""); // `- [<client_config>]`, `[ - <string> ... ]`, `- localhost`
    else if (ref) parent.embeds.push(ref); // `[<tls_config>]`, `[<stages>...]`
    // Anything else (`]`, `...`, `<docker> |` alternatives) carries no key.
  }
  // A bare `key:` with nothing below it (Loki's `ruler.external_labels:`, a label
  // map) is undescribed rather than empty: accept any key there.
  for (const node of opened) {
    if (node.fields.size === 0 && node.embeds.length === 0 && !node.item) node.anyKey = true;
  }
  return root;
}
