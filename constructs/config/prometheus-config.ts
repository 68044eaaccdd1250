import { toYaml } from "./yaml";

export interface ScrapeTarget {
  /** host:port */
  readonly address: string;
  /** Labels every series from this target carries (site, node, service, ...). */
  readonly labels: Readonly<Record<string, string>>;
  /** Overrides the job's scheme for this target (a lab site without TLS). @default - the job's */
  readonly scheme?: "http" | "https";
  /** Overrides the job's metrics path for this target (behind a gateway). @default - the job's */
  readonly metricsPath?: string;
}

/** How a client authenticates and verifies the server: files inside the client's container. */
export interface HttpClient {
  /** Basic auth: the user and the file holding its password. */
  readonly basicAuth?: { readonly username: string; readonly passwordFile: string };
  /** TLS: the CA the server must chain to; a client certificate for the gateways. */
  readonly tls?: { readonly caFile: string; readonly certFile?: string; readonly keyFile?: string };
}

/** Sets `targetLabel` on targets/series whose `sourceLabel` matches `regex` (fully anchored). */
export interface Relabel {
  readonly sourceLabel: string;
  /** @default "(.*)" */
  readonly regex?: string;
  readonly targetLabel: string;
  /** @default "$1" */
  readonly replacement?: string;
}

export interface ScrapeJob {
  readonly name: string;
  /** @default "http" */
  readonly scheme?: "http" | "https";
  /** Credentials and CA for the job's targets. @default - none */
  readonly client?: HttpClient;
  readonly targets: readonly ScrapeTarget[];
  /** @default "/metrics" */
  readonly metricsPath?: string;
  /** Applied to targets before the scrape (e.g. probe target → instance). @default [] */
  readonly targetRelabels?: readonly Relabel[];
  /** Keep labels the target sets itself (pushgateway's job/instance). @default false */
  readonly honorLabels?: boolean;
  /** @default - the global scrape interval */
  readonly scrapeIntervalSeconds?: number;
  /** @default [] */
  readonly metricRelabels?: readonly Relabel[];
}

export interface RemoteWriteTarget {
  readonly url: string;
  /** Shown in Prometheus's remote-storage metrics (`remote_name`). @default - a hash of the config */
  readonly name?: string;
  /** @default - none */
  readonly client?: HttpClient;
  /** `authorization` with a bearer token read from this file. @default - none */
  readonly bearerTokenFile?: string;
  /** Extra request headers. @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** queue_config, rendered as given. @default - Prometheus's defaults */
  readonly queue?: RemoteWriteQueue;
  /** write_relabel_configs, in order. @default [] */
  readonly writeRelabels?: readonly WriteRelabel[];
}

export interface RemoteWriteQueue {
  readonly capacity: number;
  readonly minShards: number;
  readonly maxShards: number;
  readonly maxSamplesPerSend: number;
  readonly batchSendDeadline: string;
  readonly minBackoff: string;
  readonly maxBackoff: string;
  readonly retryOnRateLimit: boolean;
}

/** A keep/drop (by source labels) or labelkeep/labeldrop (by label name) rule. */
export interface WriteRelabel {
  readonly action: "keep" | "drop" | "labeldrop" | "labelkeep";
  /** For keep and drop. @default ["__name__"] */
  readonly sourceLabels?: readonly string[];
  readonly regex: string;
}

export interface AlertmanagerTarget {
  /** host:port */
  readonly address: string;
  /** @default "http" */
  readonly scheme?: "http" | "https";
  /** @default - none */
  readonly client?: HttpClient;
}

export interface PrometheusConfig {
  readonly scrapeIntervalSeconds: number;
  readonly evaluationIntervalSeconds: number;
  /** Attached to every series and alert leaving this Prometheus. @default {} */
  readonly externalLabels?: Readonly<Record<string, string>>;
  /** Rule file globs, relative to the config file. @default [] */
  readonly ruleFiles?: readonly string[];
  /** @default [] */
  readonly alertmanagers?: readonly AlertmanagerTarget[];
  readonly scrapeJobs: readonly ScrapeJob[];
  /** @default [] */
  readonly remoteWrite?: readonly RemoteWriteTarget[];
}

/** Renders prometheus.yml. Only fields Prometheus 2.42 (promtool in CI) and 3.x both accept. */
export function renderPrometheusConfig(cfg: PrometheusConfig): string {
  const doc: Record<string, unknown> = {
    global: {
      scrape_interval: `${cfg.scrapeIntervalSeconds}s`,
      evaluation_interval: `${cfg.evaluationIntervalSeconds}s`,
      ...(cfg.externalLabels && Object.keys(cfg.externalLabels).length > 0 ? { external_labels: sortedRecord(cfg.externalLabels) } : {}),
    },
  };
  if (cfg.ruleFiles && cfg.ruleFiles.length > 0) doc.rule_files = [...cfg.ruleFiles];
  if (cfg.alertmanagers && cfg.alertmanagers.length > 0)
    doc.alerting = {
      alertmanagers: cfg.alertmanagers.map((am) => ({
        ...(am.scheme === "https" ? { scheme: "https" } : {}),
        ...renderClient(am.client),
        static_configs: [{ targets: [am.address] }],
      })),
    };
  doc.scrape_configs = cfg.scrapeJobs.map(renderScrapeJob);
  if (cfg.remoteWrite && cfg.remoteWrite.length > 0) doc.remote_write = cfg.remoteWrite.map(renderRemoteWrite);
  return toYaml(doc);
}

function renderRemoteWrite(rw: RemoteWriteTarget): Record<string, unknown> {
  const headers = Object.entries(rw.headers ?? {});
  return {
    url: rw.url,
    ...(rw.name ? { name: rw.name } : {}),
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers.sort(([a], [b]) => a.localeCompare(b))) } : {}),
    ...renderClient(rw.client),
    ...(rw.bearerTokenFile ? { authorization: { type: "Bearer", credentials_file: rw.bearerTokenFile } } : {}),
    ...(rw.queue
      ? {
          queue_config: {
            capacity: rw.queue.capacity,
            min_shards: rw.queue.minShards,
            max_shards: rw.queue.maxShards,
            max_samples_per_send: rw.queue.maxSamplesPerSend,
            batch_send_deadline: rw.queue.batchSendDeadline,
            min_backoff: rw.queue.minBackoff,
            max_backoff: rw.queue.maxBackoff,
            retry_on_http_429: rw.queue.retryOnRateLimit,
          },
        }
      : {}),
    ...(rw.writeRelabels && rw.writeRelabels.length > 0
      ? {
          write_relabel_configs: rw.writeRelabels.map((r) =>
            r.action === "keep" || r.action === "drop"
              ? { source_labels: [...(r.sourceLabels ?? ["__name__"])], regex: r.regex, action: r.action }
              : { regex: r.regex, action: r.action },
          ),
        }
      : {}),
  };
}

function renderScrapeJob(job: ScrapeJob): Record<string, unknown> {
  return {
    job_name: job.name,
    ...(job.scrapeIntervalSeconds !== undefined ? { scrape_interval: `${job.scrapeIntervalSeconds}s` } : {}),
    ...(job.metricsPath && job.metricsPath !== "/metrics" ? { metrics_path: job.metricsPath } : {}),
    ...(job.honorLabels ? { honor_labels: true } : {}),
    ...(job.scheme === "https" ? { scheme: "https" } : {}),
    ...renderClient(job.client),
    // __scheme__ and __metrics_path__ set per target override the job's.
    static_configs: job.targets.map((t) => ({
      targets: [t.address],
      labels: sortedRecord({ ...t.labels, ...(t.scheme ? { __scheme__: t.scheme } : {}), ...(t.metricsPath ? { __metrics_path__: t.metricsPath } : {}) }),
    })),
    ...(job.targetRelabels && job.targetRelabels.length > 0 ? { relabel_configs: job.targetRelabels.map(renderRelabel) } : {}),
    ...(job.metricRelabels && job.metricRelabels.length > 0 ? { metric_relabel_configs: job.metricRelabels.map(renderRelabel) } : {}),
  };
}

/** basic_auth and tls_config; never insecure_skip_verify, every server is checked against the CA. */
function renderClient(client: HttpClient | undefined): Record<string, unknown> {
  if (!client) return {};
  return {
    ...(client.basicAuth ? { basic_auth: { username: client.basicAuth.username, password_file: client.basicAuth.passwordFile } } : {}),
    ...(client.tls
      ? {
          tls_config: {
            ca_file: client.tls.caFile,
            ...(client.tls.certFile ? { cert_file: client.tls.certFile } : {}),
            ...(client.tls.keyFile ? { key_file: client.tls.keyFile } : {}),
          },
        }
      : {}),
  };
}

function renderRelabel(r: Relabel): Record<string, unknown> {
  return {
    source_labels: [r.sourceLabel],
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    target_label: r.targetLabel,
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
  };
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
