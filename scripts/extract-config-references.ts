// Extracts the facts the config checks need (keys, nesting and types; no prose)
// from the upstream configuration references of the services whose binaries cannot
// run here, into references/<service>-<version>.json. The tests read only those
// files (__tests__/support/config-reference.ts, alloy-reference.ts);
// __tests__/references.test.ts proves they are what this script makes of the
// upstream documents, when those are at hand.
//
//   npm run references -- DIR
//
// DIR is laid out as scripts/fetch-config-references.sh writes it (and as
// shared/config-references/ beside the repository holds it):
//   loki-v3.7.6-configuration.md         grafana/loki docs/sources/shared/configuration.md
//   promtail-v3.6.15-configuration.md    grafana/loki docs/sources/send-data/promtail/configuration.md
//   promtail-v3.6.15-stages/<stage>.md   grafana/loki docs/sources/send-data/promtail/stages/
//   alloy-v1.19.0-rc.3/                  grafana/alloy docs/sources/ (reference/components/..., shared/...)
// A reference whose documents are missing from DIR is left as it is, and said so.
//
// Loki and Promtail describe each block as a YAML-ish code block under a `##` or
// `###` heading. Lines are read as:
//   [key: <type> | default = ...]  or  key: <type>   a field (brackets = optional)
//   key:                                            opens a nested block (by indentation)
//   [<block>]                                       the block's keys are valid here too (inline)
//   [ <labelname>: <labelvalue> ... ]  or  [: <map of string to X>]   free-form map
//   - [<block>]  /  [ - <string> ... ]  /  - key: ...   the value is a list of those items
// The JSON keeps every section as a tree: a field is its type (the text inside
// `<...>`, "" for a literal example value) or a nested block
// `{ fields, embeds, anyKey, item }`; the checker follows a type that names a section.
//
// Alloy documents each component as markdown tables: `## Arguments` (name, type),
// `## Blocks` (paths such as `endpoint` > [`tls_config`]), one `###`/`####` section
// per block holding its arguments table (or a `docs/shared` include of one), and
// `## Exported fields`.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { findRoot } from "./generate-grafana-bindings";

// ---------------------------------------------------------------- the data

/** A Loki/Promtail field: its type (a string), or a nested block. */
export type RefNode = string | RefBlock;
export interface RefBlock {
  readonly fields?: Readonly<Record<string, RefNode>>;
  /** `[<block>]` lines: that section's keys are valid here too. */
  readonly embeds?: readonly string[];
  /** A free-form map: every key is accepted. */
  readonly anyKey?: true;
  /** Set when the value is a list of these. */
  readonly item?: RefNode;
}
export interface YamlReference {
  readonly label: string;
  readonly source: string;
  /** The config file's top level. */
  readonly root: RefBlock;
  /** Every other section, by heading. */
  readonly sections: Readonly<Record<string, RefBlock>>;
  /** Promtail's pipeline stages, by stage name. */
  readonly stages?: Readonly<Record<string, RefNode>>;
}

export interface AlloyBlockSpec {
  /** Argument name → Alloy type. */
  readonly arguments: Readonly<Record<string, string>>;
  readonly blocks: Readonly<Record<string, AlloyBlockSpec>>;
}
export interface AlloyComponentSpec extends AlloyBlockSpec {
  readonly doc: string;
  /** "Exported fields": what `<name>.<label>.<field>` may reference, name → type. */
  readonly exports: Readonly<Record<string, string>>;
}
export interface AlloyReference {
  readonly label: string;
  readonly source: string;
  readonly components: Readonly<Record<string, AlloyComponentSpec>>;
}

/** Alloy components the rendered config.alloy uses (docs/sources/reference/components/<doc>). */
const ALLOY_DOCS = [
  "local/local.file_match.md",
  "loki/loki.source.file.md",
  "discovery/discovery.docker.md",
  "discovery/discovery.relabel.md",
  "loki/loki.source.docker.md",
  "loki/loki.process.md",
  "loki/loki.write.md",
];

interface ReferenceSource {
  /** Written to references/<file>. */
  readonly file: string;
  /** What the documents in DIR must include (files or directories). */
  readonly inputs: readonly string[];
  extract(dir: string): YamlReference | AlloyReference;
}

export const REFERENCE_SOURCES: Readonly<Record<"loki" | "promtail" | "alloy", ReferenceSource>> = {
  loki: {
    file: "loki-v3.7.6.json",
    inputs: ["loki-v3.7.6-configuration.md"],
    extract: (dir) =>
      extractYamlReference("Loki v3.7.6", "grafana/loki v3.7.6 docs/sources/shared/configuration.md", readFileSync(join(dir, "loki-v3.7.6-configuration.md"), "utf8")),
  },
  promtail: {
    file: "promtail-v3.6.15.json",
    inputs: ["promtail-v3.6.15-configuration.md", "promtail-v3.6.15-stages"],
    extract: (dir) =>
      extractYamlReference(
        "Promtail v3.6.15",
        "grafana/loki v3.6.15 docs/sources/send-data/promtail/configuration.md and stages/*.md",
        readFileSync(join(dir, "promtail-v3.6.15-configuration.md"), "utf8"),
        readStages(join(dir, "promtail-v3.6.15-stages")),
      ),
  },
  alloy: {
    file: "alloy-v1.19.0-rc.3.json",
    inputs: ["alloy-v1.19.0-rc.3"],
    extract: (dir) => extractAlloyReference("Alloy v1.19.0-rc.3", "grafana/alloy v1.19.0-rc.3 docs/sources/reference/components", join(dir, "alloy-v1.19.0-rc.3"), ALLOY_DOCS),
  },
};

/** The file's text as committed: JSON, two-space indented, one trailing newline. */
export const serialize = (reference: YamlReference | AlloyReference): string => `${JSON.stringify(reference, null, 2)}\n`;

/** The inputs of `source` that DIR lacks (empty when it can be extracted). */
export const missingInputs = (source: ReferenceSource, dir: string): string[] => source.inputs.filter((input) => !existsSync(join(dir, input)));

// ---------------------------------------------------------------- Loki and Promtail

/** Parsing-time block: mutable, with Maps, converted to RefBlock at the end. */
interface Node {
  type?: string; // text inside `<...>`, "" for a literal example value
  fields: Map<string, Node>;
  embeds: string[]; // `[<block>]` lines
  anyKey: boolean; // free-form map: every key is accepted
  item?: Node; // set when the value is a list
}

const newNode = (type?: string): Node => ({ type, fields: new Map(), embeds: [], anyKey: false });
/** A stage file without a schema block still names a valid stage: accept its contents. */
const UNCHECKED = (): Node => newNode("");

export function extractYamlReference(label: string, source: string, markdown: string, stages?: Map<string, string>): YamlReference {
  const sections: Record<string, RefBlock> = {};
  let root: RefBlock | undefined;
  for (const { heading, blocks } of splitSections(markdown)) {
    // Skip the text before the first heading, and empty sections (Promtail's
    // `## options_config` has no block): an undescribed type is accepted, not enforced empty.
    if (!heading || blocks.length === 0) continue;
    const node = toJson(parseBlock(pickSchemaBlock(blocks))) as RefBlock;
    if (heading.startsWith("Supported contents")) root = node;
    else if (heading in sections) throw new Error(`${label}: two sections named ${JSON.stringify(heading)}`);
    else sections[heading] = node;
  }
  if (!root) throw new Error(`${label}: no "Supported contents" section`);
  return { label, source, root, sections, ...(stages && { stages: extractStages(stages) }) };
}

/** Stage name → its markdown, from a directory of `<stage>.md` files. */
export function readStages(dir: string): Map<string, string> {
  const files = readdirSync(dir).filter((f) => f.endsWith(".md")).sort();
  return new Map(files.map((f) => [f.replace(/\.md$/, ""), readFileSync(join(dir, f), "utf8")]));
}

/** One stage per file; its schema is the first yaml block that starts with `<stage>:`. */
function extractStages(files: Map<string, string>): Record<string, RefNode> {
  const stages: Record<string, RefNode> = {};
  for (const [stage, markdown] of files) {
    const blocks = splitSections(markdown).flatMap((s) => s.blocks);
    const schema = blocks.find((b) => firstKey(b) === stage);
    stages[stage] = toJson((schema && parseBlock(schema).fields.get(stage)) || UNCHECKED());
  }
  return stages;
}

function toJson(node: Node): RefNode {
  if (node.type !== undefined) return node.type;
  return {
    ...(node.fields.size > 0 && { fields: Object.fromEntries([...node.fields].map(([k, v]) => [k, toJson(v)])) }),
    ...(node.embeds.length > 0 && { embeds: node.embeds }),
    ...(node.anyKey && { anyKey: true as const }),
    ...(node.item && { item: toJson(node.item) }),
  };
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

// ---------------------------------------------------------------- Alloy

interface MdSection {
  readonly level: number;
  readonly title: string; // backticks removed
  readonly lines: string[]; // up to the next heading of any level, code blocks removed
}
interface MdTable {
  readonly header: string[];
  readonly rows: string[][];
}

/** `docsDir` is a copy of grafana/alloy's docs/sources/; `docs` are paths under reference/components/. */
export function extractAlloyReference(label: string, source: string, docsDir: string, docs: readonly string[]): AlloyReference {
  const components: Record<string, AlloyComponentSpec> = {};
  for (const doc of docs) {
    const name = basename(doc, ".md");
    const sections = markdownSections(withIncludes(join(docsDir, "reference", "components", doc), docsDir));
    const title = sections.find((s) => s.level === 1)?.title;
    if (title !== name) throw new Error(`${doc}: titled ${JSON.stringify(title)}, expected ${name}`);
    const top = (heading: string) => sections.find((s) => s.level === 2 && s.title === heading);
    const blocksSection = top("Blocks");
    const spec: AlloyComponentSpec = {
      doc,
      arguments: argumentsIn(top("Arguments")),
      blocks: blockTree(blocksSection ? tablesIn(blocksSection).flatMap((t) => t.rows.map((r) => namesIn(r[0]))) : [], sections, doc),
      exports: argumentsIn(top("Exported fields")),
    };
    components[name] = spec;
  }
  return { label, source, components };
}

/** Builds the block tree from paths (`["endpoint", "tls_config"]`), each block's arguments from its own section. */
function blockTree(paths: string[][], sections: MdSection[], doc: string): Record<string, AlloyBlockSpec> {
  const tree: Record<string, { arguments: Record<string, string>; blocks: Record<string, AlloyBlockSpec> }> = {};
  for (const path of paths) {
    let level = tree;
    for (const name of path) {
      if (!level[name]) {
        const section = sections.find((s) => s.level >= 3 && s.title === name);
        if (!section) throw new Error(`${doc}: no section for block ${path.join(" > ")}`);
        // A block's own section may list blocks nested in it (stage.metrics > metric.counter).
        const nested = tablesIn(section).filter((t) => t.header[0] === "Block").flatMap((t) => t.rows.map((r) => namesIn(r[0])));
        level[name] = { arguments: argumentsIn(section), blocks: blockTree(nested, sections, doc) };
      }
      level = level[name].blocks as typeof tree;
    }
  }
  return tree;
}

/** Name → type from every `| Name | Type | ...` table of a section. */
function argumentsIn(section: MdSection | undefined): Record<string, string> {
  const args: Record<string, string> = {};
  for (const table of section ? tablesIn(section) : []) {
    if (table.header[0] !== "Name" || table.header[1] !== "Type") continue;
    for (const row of table.rows) args[namesIn(row[0])[0]] = row[1].replace(/`/g, "");
  }
  return args;
}

/** The backticked names of a cell: "`endpoint` > [`tls_config`][tls_config]" → ["endpoint", "tls_config"]. */
function namesIn(cell: string): string[] {
  const names = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  if (names.length === 0) throw new Error(`table cell without a name: ${cell}`);
  return names;
}

function tablesIn(section: MdSection): MdTable[] {
  const tables: MdTable[] = [];
  let current: string[][] | undefined;
  for (const line of section.lines) {
    if (!line.trim().startsWith("|")) {
      current = undefined;
      continue;
    }
    const cells = line.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
    if (!current) tables.push({ header: cells, rows: (current = []) });
    else if (!cells.every((c) => /^:?-+:?$/.test(c))) current.push(cells);
  }
  return tables;
}

/** The file's text with every `{{< docs/shared lookup="..." >}}` replaced by that shared file (front matter removed). */
function withIncludes(file: string, docsDir: string): string {
  if (!existsSync(file)) throw new Error(`${file}: missing (scripts/fetch-config-references.sh downloads it)`);
  const text = readFileSync(file, "utf8").replace(/^---\n[\s\S]*?\n---\n/, "");
  return text.replace(/\{\{<\s*docs\/shared\s+lookup="([^"]+)"[\s\S]*?>\}\}/g, (_, lookup: string) => withIncludes(join(docsDir, "shared", lookup), docsDir));
}

function markdownSections(markdown: string): MdSection[] {
  const sections: MdSection[] = [];
  let lines: string[] = [];
  let inFence = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    else if (inFence) continue;
    else {
      const heading = /^(#{1,6})\s+(.+?)\s*$/.exec(line);
      if (heading) sections.push({ level: heading[1].length, title: heading[2].replace(/`/g, ""), lines: (lines = []) });
      else lines.push(line);
    }
  }
  return sections;
}

// ---------------------------------------------------------------- command line

function main(args: string[]): void {
  const [dir, ...rest] = args;
  if (!dir || rest.length > 0) {
    console.error("usage: npm run references -- DIR  (DIR as scripts/fetch-config-references.sh writes it)");
    process.exit(2);
  }
  const out = join(findRoot(__dirname), "references");
  for (const source of Object.values(REFERENCE_SOURCES)) {
    const missing = missingInputs(source, dir);
    if (missing.length > 0) {
      console.log(`references/${source.file}: left as it is, ${dir} has no ${missing.join(", ")}`);
      continue;
    }
    writeFileSync(join(out, source.file), serialize(source.extract(dir)));
    console.log(`references/${source.file}: written from ${source.inputs.map((i) => join(dir, i)).join(", ")}`);
  }
}

if (require.main === module) main(process.argv.slice(2));
