import { LogAgentConfig } from "./log-agent";
import { GENERATED_HEADER } from "./yaml";

/** Where the LogAgent construct uploads the rendered file inside the container. */
export const ALLOY_CONFIG_PATH = "/etc/alloy/config.alloy";

/** The only values the `severity` label takes. */
export const SEVERITIES = ["critical", "error", "warning", "info", "debug"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Lower-cased values of a line's severity|level|lvl field that map to each severity. */
export const SEVERITY_ALIASES: Readonly<Record<Severity, readonly string[]>> = {
  critical: ["critical", "crit", "fatal"],
  error: ["error", "err"],
  warning: ["warning", "warn"],
  info: ["info"],
  debug: ["debug"],
};

/**
 * Retries of loki.write, sized to ride out a hub outage of about an hour
 * (retryWindowSeconds gives 3839.5 s to 4711 s, i.e. 64 to 78.5 minutes).
 */
export const LOKI_WRITE_RETRIES = { minBackoffSeconds: 0.5, maxBackoffSeconds: 300, maxBackoffRetries: 24 } as const;

/**
 * Shortest and longest total sleep, in seconds, before loki.write drops a batch
 * it cannot send. loki.write retries each batch with dskit's backoff: with
 * max_backoff_retries = N it sends N times and sleeps N - 1 times (the last
 * Wait() returns at once). Each sleep is drawn from [lo, hi), starting at
 * [min, 2 min) and doubling until hi reaches max; then it stays there. For
 * 500ms, 5m and N = 24 the 23 sleeps are 0.5 + 1 + ... + 128 s (255.5 to 511 s)
 * plus 14 in [256 s, 300 s) (3584 to 4200 s). Failed requests add their own
 * time (remote_timeout, 10 s at most each).
 */
export function retryWindowSeconds(minSeconds: number, maxSeconds: number, retries: number): [number, number] {
  let [lo, hi] = [minSeconds, Math.min(2 * minSeconds, maxSeconds)];
  let [shortest, longest] = [0, 0];
  for (let sleep = 1; sleep < retries; sleep++) {
    shortest += lo;
    longest += Math.max(lo, hi);
    if (hi < maxSeconds) [lo, hi] = [Math.min(2 * lo, maxSeconds), Math.min(2 * hi, maxSeconds)];
  }
  return [shortest, longest];
}

/**
 * The container's command (the image's entrypoint is /bin/alloy). Flag names
 * are those of `alloy run` (docs/sources/reference/cli/run.md).
 */
export function alloyCommand(cfg: LogAgentConfig): string[] {
  return ["run", `--server.http.listen-addr=0.0.0.0:${cfg.httpPort}`, `--storage.path=${cfg.dataDir}`, ALLOY_CONFIG_PATH];
}

/**
 * Renders config.alloy for Grafana Alloy v1.20 in Docker on an edge node: the
 * edge agent's log files and every container's logs, one severity pipeline,
 * one Loki endpoint. Labels: site, device (external labels), service, severity.
 * Every argument and block is checked in tests against the Alloy component reference.
 */
export function renderAlloyConfig(cfg: LogAgentConfig): string {
  if (!(SEVERITIES as readonly string[]).includes(cfg.defaultSeverity)) {
    throw new Error(`alloy config: defaultSeverity must be one of ${SEVERITIES.join(", ")}, got ${JSON.stringify(cfg.defaultSeverity)}`);
  }
  const dockerHost = `unix://${cfg.dockerSocket}`;
  const toPipeline = [ref("loki.process.severity.receiver")];
  const { minBackoffSeconds, maxBackoffSeconds, maxBackoffRetries } = LOKI_WRITE_RETRIES;
  const [minBackoff, maxBackoff] = [duration(minBackoffSeconds), duration(maxBackoffSeconds)];
  const [shortest, longest] = retryWindowSeconds(minBackoffSeconds, maxBackoffSeconds, maxBackoffRetries);

  // File logs only where there is an edge agent (not on the hub).
  const glob = cfg.edgeAgentLogGlob;
  const fileLogs: Block[] =
    glob === undefined
      ? []
      : [
        {
          comment: ["Edge agent log files; the host directory is mounted read-only at the same path."],
          name: "local.file_match",
          label: "edge_agent",
          body: [attr("path_targets", [{ __path__: glob, service: cfg.edgeAgentService }])],
        },
        {
          comment: [
            "Read positions (this source and loki.source.docker) live under --storage.path:",
            `the LogAgent construct puts ${cfg.dataDir} on a volume and passes --storage.path=${cfg.dataDir},`,
            "so a restart neither loses nor repeats lines.",
          ],
          name: "loki.source.file",
          label: "edge_agent",
          body: [attr("targets", ref("local.file_match.edge_agent.targets")), attr("forward_to", toPipeline)],
        },
        ];
  const blocks: Block[] = [
    ...fileLogs,
    {
      comment: ["Every container on this node, through the Docker socket mounted read-only."],
      name: "discovery.docker",
      label: "containers",
      body: [attr("host", dockerHost)],
    },
    {
      name: "discovery.relabel",
      label: "containers",
      body: [
        attr("targets", ref("discovery.docker.containers.targets")),
        {
          comment: ["service = container name without Docker's leading \"/\"."],
          name: "rule",
          body: [
            attr("action", "replace"),
            attr("source_labels", ["__meta_docker_container_name"]),
            attr("regex", "/?(.*)"),
            attr("target_label", "service"),
          ],
        },
      ],
    },
    {
      name: "loki.source.docker",
      label: "containers",
      body: [attr("host", dockerHost), attr("targets", ref("discovery.relabel.containers.output")), attr("forward_to", toPipeline)],
    },
    {
      comment: [
        `severity from a JSON line's severity, level or lvl field, normalised to ${SEVERITIES.join("|")};`,
        `anything else, or a line that is not JSON, gets ${cfg.defaultSeverity}.`,
      ],
      name: "loki.process",
      label: "severity",
      body: [
        attr("forward_to", [ref("loki.write.default.receiver")]),
        { name: "stage.json", body: [attr("expressions", { severity: "severity || level || lvl" })] },
        { name: "stage.template", body: [attr("source", "severity"), attr("template", raw(severityTemplate(cfg.defaultSeverity as Severity)))] },
        { name: "stage.labels", body: [attr("values", { severity: "" })] },
        {
          comment: ["Drops loki.source.file's filename label; site and device are added by loki.write."],
          name: "stage.label_keep",
          body: [attr("values", ["service", "severity"])],
        },
      ],
    },
    {
      comment: [
        `Retries ride out a hub outage of about an hour: ${maxBackoffRetries} attempts per batch, ${maxBackoffRetries - 1} sleeps doubling`,
        `from ${minBackoff} (with jitter) to the ${maxBackoff} cap, ${minutes(shortest)} to ${minutes(longest)} minutes before the batch is dropped.`,
      ],
      name: "loki.write",
      label: "default",
      body: [
        attr("external_labels", { site: cfg.site, device: cfg.device }),
        {
          name: "endpoint",
          body: [
            attr("url", cfg.lokiPushUrl),
            attr("min_backoff_period", minBackoff),
            attr("max_backoff_period", maxBackoff),
            attr("max_backoff_retries", maxBackoffRetries),
            ...(cfg.tls
              ? [{ name: "tls_config", body: [attr("ca_file", cfg.tls.caFile), attr("cert_file", cfg.tls.certFile), attr("key_file", cfg.tls.keyFile)] }]
              : []),
          ],
        },
      ],
    },
  ];

  const header = "// " + GENERATED_HEADER.replace(/^# /, "");
  return header + "\n" + blocks.map((b) => renderBlock(b, "")).join("\n");
}

/**
 * Go text/template for stage.template: `.Value` is the extracted severity
 * (absent when the line had none, hence `default ""`; template functions from
 * loki.process's stage.template docs and sprig).
 */
function severityTemplate(fallback: Severity): string {
  const branches = SEVERITIES.map((s, i) => `{{ ${i === 0 ? "if" : "else if"} eq $s ${SEVERITY_ALIASES[s].map((a) => `"${a}"`).join(" ")} }}${s}`);
  return `{{ $s := .Value | default "" | TrimSpace | ToLower }}${branches.join("")}{{ else }}${fallback}{{ end }}`;
}

/** A Go duration string for a number of seconds: 0.5 → "500ms", 300 → "5m". */
function duration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

const minutes = (seconds: number) => (seconds / 60).toFixed(1);

// ---------------------------------------------------------------- Alloy syntax

/** A reference to another component's export, rendered bare. */
class Ref {
  constructor(readonly path: string) {}
}
const ref = (path: string) => new Ref(path);

/** A string rendered as an Alloy raw string (backticks, no escapes) when it has no backtick: for Go templates full of quotes. */
class Raw {
  constructor(readonly text: string) {}
}
const raw = (text: string) => new Raw(text);

type Value = string | number | boolean | Ref | Raw | readonly Value[] | { readonly [key: string]: Value };
interface Attr {
  readonly attr: string;
  readonly value: Value;
}
interface Block {
  readonly comment?: readonly string[];
  readonly name: string;
  readonly label?: string;
  readonly body: readonly (Attr | Block)[];
}
const attr = (name: string, value: Value): Attr => ({ attr: name, value });

/** An Alloy double-quoted string: `\`, `"` and control characters escaped. */
export function alloyString(s: string): string {
  const escaped = s.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    switch (c) {
      case "\\":
        return "\\\\";
      case '"':
        return '\\"';
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      case "\t":
        return "\\t";
      default:
        return "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");
    }
  });
  return `"${escaped}"`;
}

function renderValue(v: Value): string {
  if (v instanceof Ref) return v.path;
  if (v instanceof Raw) return v.text.includes("`") ? alloyString(v.text) : `\`${v.text}\``;
  if (typeof v === "string") return alloyString(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(renderValue).join(", ")}]`;
  const entries = Object.entries(v as { readonly [key: string]: Value });
  return `{${entries.map(([k, x]) => `${alloyString(k)} = ${renderValue(x)}`).join(", ")}}`;
}

/** Like `alloy fmt`: two-space indent, `=` aligned within a run of attributes, a blank line before nested blocks. */
function renderBlock(b: Block, indent: string): string {
  const inner = indent + "  ";
  const lines = (b.comment ?? []).map((c) => `${indent}// ${c}`);
  lines.push(`${indent}${b.name}${b.label === undefined ? "" : " " + alloyString(b.label)} {`);
  let run: Attr[] = [];
  const flush = () => {
    const width = Math.max(...run.map((a) => a.attr.length));
    for (const a of run) lines.push(`${inner}${a.attr.padEnd(width)} = ${renderValue(a.value)}`);
    run = [];
  };
  b.body.forEach((item, i) => {
    if ("attr" in item) return void run.push(item);
    if (run.length > 0) flush();
    if (i > 0) lines.push("");
    lines.push(renderBlock(item, inner).trimEnd());
  });
  if (run.length > 0) flush();
  lines.push(`${indent}}`);
  return lines.join("\n") + "\n";
}
