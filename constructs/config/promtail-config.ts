import { LogAgentConfig } from "./log-agent";
import { toYaml } from "./yaml";

/** The only values of the `severity` label, most severe first. */
export const SEVERITIES = ["critical", "error", "warning", "info", "debug"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Spellings of each severity, compared after trimming and lowercasing; anything else gets the default. */
const SEVERITY_ALIASES: Record<Severity, readonly string[]> = {
  critical: ["critical", "crit", "fatal"],
  error: ["error", "err"],
  warning: ["warning", "warn"],
  info: ["info"],
  debug: ["debug"],
};

/** JSON keys that carry a line's level; JMESPath `||` takes the first non-empty one. */
const SEVERITY_KEYS = ["severity", "level", "lvl"] as const;

/**
 * Retries of one batch while the hub is unreachable. Promtail (dskit backoff) sends
 * a batch at most max_retries times and sleeps between attempts, each sleep jittered
 * in [lo, 2·lo) with lo doubling from min_period until the range reaches max_period:
 * 0.5+1+…+128 = 255.5 s over the first 9 sleeps, then at least 256 s each. With 24
 * attempts (23 sleeps) that is at least 255.5 + 14·256 = 3839.5 s (64 min, at most
 * ~79 min) before a batch is dropped. Meanwhile nothing new is read: the files and
 * Docker keep the lines until Loki is back.
 */
export const BACKOFF = { minPeriod: "500ms", maxPeriod: "5m", maxRetries: 24 } as const;

/**
 * Renders promtail.yaml for Promtail 3.6 in Docker on an edge node. Every line
 * carries exactly site, device, service and severity. Every key is checked in
 * tests against the Promtail 3.6 configuration reference.
 */
export function renderPromtailConfig(cfg: LogAgentConfig): string {
  const severity = severityStages(cfg.defaultSeverity);
  return toYaml({
    // gRPC port 0 is a random free port: nothing uses it, and a fixed one could clash.
    server: { http_listen_port: cfg.httpPort, grpc_listen_port: 0, log_level: "info" },
    positions: {
      filename: `${cfg.dataDir}/positions.yaml`,
      sync_period: "10s",
      // After a power cut, start over (some lines twice) rather than refuse to start unattended.
      ignore_invalid_yaml: true,
    },
    clients: [
      {
        url: cfg.lokiPushUrl,
        ...(cfg.tls ? { tls_config: { ca_file: cfg.tls.caFile, cert_file: cfg.tls.certFile, key_file: cfg.tls.keyFile } } : {}),
        batchwait: "1s",
        batchsize: 1048576,
        backoff_config: { min_period: BACKOFF.minPeriod, max_period: BACKOFF.maxPeriod, max_retries: BACKOFF.maxRetries },
        external_labels: { site: cfg.site, device: cfg.device },
        timeout: "10s",
      },
    ],
    scrape_configs: [
      ...(cfg.edgeAgentLogGlob === undefined
        ? []
        : [
            {
              job_name: "edge-agent",
              static_configs: [{ targets: ["localhost"], labels: { service: cfg.edgeAgentService, __path__: cfg.edgeAgentLogGlob } }],
              // File targets add `filename`; one stream per rotated file is cardinality for nothing.
              pipeline_stages: [...severity, { labeldrop: ["filename"] }],
            },
          ]),
      {
        job_name: "containers",
        docker_sd_configs: [
          {
            host: `unix://${cfg.dockerSocket}`,
            // Filter at discovery: the Docker target ignores relabel keep/drop (grafana/loki#8620).
            filters: [{ name: "status", values: ["running"] }],
            // Short-lived containers are only seen while running; the socket is local, so polling is cheap.
            refresh_interval: "15s",
          },
        ],
        // Docker names start with "/"; `/?` keeps `service` set even if one does not.
        relabel_configs: [{ source_labels: ["__meta_docker_container_name"], regex: "/?(.*)", target_label: "service" }],
        // No `docker: {}` stage: the Docker API already hands over the bare line (timestamp and
        // stream split off); the stage would re-parse JSON app lines and lift their own
        // log/stream/time keys into line, a `stream` label and the timestamp.
        pipeline_stages: severity,
      },
    ],
  });
}

/** Sets `severity` on every line: parsed from JSON when it can be, else `defaultSeverity`. */
function severityStages(defaultSeverity: string): Record<string, unknown>[] {
  if (!isSeverity(defaultSeverity)) {
    throw new Error(`promtail config: defaultSeverity must be one of ${SEVERITIES.join(", ")}, got ${JSON.stringify(defaultSeverity)}`);
  }
  return [
    // Non-JSON lines pass through unchanged with nothing extracted.
    { json: { expressions: { severity: SEVERITY_KEYS.join(" || ") }, drop_malformed: false } },
    // Runs on every line (it creates the key when missing), so the default always applies.
    { template: { source: "severity", template: severityTemplate(defaultSeverity) } },
    { labels: { severity: "severity" } },
  ];
}

/**
 * Go template that maps the extracted value to one of SEVERITIES. `.Value` is
 * unset when nothing was extracted, so it is only read inside `with`; passing a
 * missing value to ToLower would fail the stage and leave the line without severity.
 */
function severityTemplate(defaultSeverity: Severity): string {
  const branches = SEVERITIES.map((s, i) => `{{- ${i === 0 ? "if" : "else if"} eq $s ${SEVERITY_ALIASES[s].map((a) => `"${a}"`).join(" ")} }}${s}`);
  return [
    `{{- $s := "" -}}`,
    `{{- with .Value }}{{ $s = . | TrimSpace | ToLower }}{{ end -}}`,
    ...branches,
    `{{- else }}${defaultSeverity}`,
    `{{- end }}`,
  ].join("\n");
}

const isSeverity = (value: string): value is Severity => (SEVERITIES as readonly string[]).includes(value);
