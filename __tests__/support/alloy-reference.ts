// Checks a rendered config.alloy against Grafana Alloy's component reference (no
// Alloy binary can run here, so this is how misspelled arguments get caught).
//
// The reference below is transcribed by hand from github.com/grafana/alloy,
// docs/sources/reference/components/<group>/<component>.md (and the shared
// docs/sources/shared/reference/components/rule-block.md), at tag v1.19.0-rc.3
// (commit acc8ece18e64, 2026-08-20). These files are unchanged on main at
// 66ebea856dff (2026-08-21). The image is pinned to v1.20.1 (versions.ts), but
// the mirror available when this was written had no v1.20.x tag: re-check the
// files at the v1.20 tag and update REFERENCE_LABEL when it is at hand.
//
// Only what the rendered config uses is transcribed in full. A documented block
// whose arguments were not transcribed is listed as NOT_TRANSCRIBED: naming it is
// fine, setting anything inside it is reported.

export const REFERENCE_LABEL = "Alloy v1.19.0-rc.3";

interface BlockSpec {
  readonly args: readonly string[];
  readonly blocks?: Readonly<Record<string, BlockSpec>>;
  readonly notTranscribed?: true;
}
interface ComponentSpec extends BlockSpec {
  readonly doc: string;
  /** "Exported fields" of the component: what `<name>.<label>.<field>` may reference. */
  readonly exports: readonly string[];
}

const NOT_TRANSCRIBED: BlockSpec = { args: [], notTranscribed: true };

/** `rule` block shared by discovery.relabel (shared/reference/components/rule-block.md). */
const RULE: BlockSpec = { args: ["action", "modulus", "regex", "replacement", "separator", "source_labels", "target_label"] };

// loki.process stage blocks (loki/loki.process.md, "Blocks" table).
const STAGES: Record<string, BlockSpec> = {
  "stage.json": { args: ["expressions", "regex", "drop_malformed", "source"] },
  "stage.label_drop": { args: ["values"] },
  "stage.label_keep": { args: ["values"] },
  "stage.labels": { args: ["values", "source_type"] },
  "stage.template": { args: ["source", "template"] },
};
for (const name of [
  "cri", "decolorize", "docker", "drop", "eventlogmessage", "geoip", "limit", "logfmt", "luhn", "match", "metrics", "multiline",
  "output", "pack", "pattern", "regex", "replace", "sampling", "split_json", "static_labels", "structured_metadata",
  "structured_metadata_drop", "tenant", "timestamp", "truncate", "windowsevent",
]) STAGES[`stage.${name}`] = NOT_TRANSCRIBED;

export const ALLOY_COMPONENTS: Readonly<Record<string, ComponentSpec>> = {
  "local.file_match": {
    doc: "local/local.file_match.md",
    args: ["path_targets", "ignore_older_than", "sync_period"],
    exports: ["targets"],
  },
  "loki.source.file": {
    doc: "loki/loki.source.file.md",
    args: ["forward_to", "targets", "encoding", "legacy_positions_file", "on_positions_file_error", "tail_from_end"],
    blocks: {
      decompression: { args: ["enabled", "format", "initial_delay"] },
      file_match: { args: ["enabled", "ignore_older_than", "sync_period"] },
      file_watch: { args: ["max_poll_frequency", "min_poll_frequency"] },
    },
    exports: [],
  },
  "discovery.docker": {
    doc: "discovery/discovery.docker.md",
    args: [
      "host", "bearer_token_file", "bearer_token", "enable_http2", "follow_redirects", "http_headers", "host_networking_host",
      "match_first_network", "no_proxy", "port", "proxy_connect_header", "proxy_from_environment", "proxy_url", "refresh_interval",
    ],
    blocks: {
      authorization: NOT_TRANSCRIBED,
      basic_auth: NOT_TRANSCRIBED,
      filter: { args: ["name", "values"] },
      oauth2: NOT_TRANSCRIBED,
      tls_config: NOT_TRANSCRIBED,
    },
    exports: ["targets"],
  },
  "discovery.relabel": {
    doc: "discovery/discovery.relabel.md",
    args: ["targets"],
    blocks: { rule: RULE },
    exports: ["output", "rules"],
  },
  "loki.source.docker": {
    doc: "loki/loki.source.docker.md",
    args: ["forward_to", "host", "labels", "targets", "refresh_interval", "relabel_rules"],
    blocks: { http_client_config: NOT_TRANSCRIBED },
    exports: [],
  },
  "loki.process": {
    doc: "loki/loki.process.md",
    args: ["forward_to"],
    blocks: STAGES,
    exports: ["receiver"],
  },
  "loki.write": {
    doc: "loki/loki.write.md",
    args: ["external_labels", "max_streams"],
    blocks: {
      endpoint: {
        args: [
          "url", "batch_size", "batch_wait", "bearer_token_file", "bearer_token", "enable_http2", "follow_redirects", "http_headers",
          "headers", "max_backoff_period", "max_backoff_retries", "min_backoff_period", "name", "no_proxy", "proxy_connect_header",
          "proxy_from_environment", "proxy_url", "remote_timeout", "retry_on_http_429", "tenant_id",
        ],
        blocks: {
          authorization: NOT_TRANSCRIBED,
          // shared/reference/components/basic-auth-block.md
          basic_auth: { args: ["username", "password", "password_file"] },
          oauth2: NOT_TRANSCRIBED,
          queue_config: { args: ["block_on_overflow", "capacity", "drain_timeout", "min_shards"] },
          // shared/reference/components/tls-config-block.md
          tls_config: { args: ["ca_pem", "ca_file", "cert_pem", "cert_file", "insecure_skip_verify", "key_file", "key_pem", "min_version", "server_name"] },
        },
      },
      wal: { args: ["drain_timeout", "enabled", "max_read_frequency", "max_segment_age", "min_read_frequency"] },
    },
    exports: ["receiver"],
  },
};

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
    const spec = ALLOY_COMPONENTS[block.name];
    if (!spec) problems.push(`${block.name}: not a component in the ${REFERENCE_LABEL} reference`);
    else if (block.label === undefined) problems.push(`${block.name}: a component needs a label`);
    else checkBlock(block, spec, `${block.name}.${block.label}`, problems);
  }
  return problems;
}

function checkBlock(block: AlloyBlock, spec: BlockSpec, path: string, out: string[]): void {
  if (spec.notTranscribed) {
    if (block.attrs.size > 0 || block.blocks.length > 0) out.push(`${path}: its arguments are not transcribed in alloy-reference.ts`);
    return;
  }
  for (const name of block.attrs.keys()) if (!spec.args.includes(name)) out.push(`${path}.${name}: not in the ${REFERENCE_LABEL} reference`);
  for (const child of block.blocks) {
    const childSpec = spec.blocks?.[child.name];
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
