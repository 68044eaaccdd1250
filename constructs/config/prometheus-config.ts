import { toYaml } from "./yaml";

export interface ScrapeTarget {
  /** host:port */
  readonly address: string;
  /** Labels every series from this target carries (site, node, service, ...). */
  readonly labels: Readonly<Record<string, string>>;
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
}

export interface PrometheusConfig {
  readonly scrapeIntervalSeconds: number;
  readonly evaluationIntervalSeconds: number;
  /** Attached to every series and alert leaving this Prometheus. @default {} */
  readonly externalLabels?: Readonly<Record<string, string>>;
  /** Rule file globs, relative to the config file. @default [] */
  readonly ruleFiles?: readonly string[];
  /** Alertmanager host:port addresses. @default [] */
  readonly alertmanagers?: readonly string[];
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
    doc.alerting = { alertmanagers: [{ static_configs: [{ targets: [...cfg.alertmanagers] }] }] };
  doc.scrape_configs = cfg.scrapeJobs.map(renderScrapeJob);
  if (cfg.remoteWrite && cfg.remoteWrite.length > 0) doc.remote_write = cfg.remoteWrite.map((rw) => ({ url: rw.url }));
  return toYaml(doc);
}

function renderScrapeJob(job: ScrapeJob): Record<string, unknown> {
  return {
    job_name: job.name,
    ...(job.scrapeIntervalSeconds !== undefined ? { scrape_interval: `${job.scrapeIntervalSeconds}s` } : {}),
    ...(job.metricsPath && job.metricsPath !== "/metrics" ? { metrics_path: job.metricsPath } : {}),
    ...(job.honorLabels ? { honor_labels: true } : {}),
    static_configs: job.targets.map((t) => ({ targets: [t.address], labels: sortedRecord(t.labels) })),
    ...(job.targetRelabels && job.targetRelabels.length > 0 ? { relabel_configs: job.targetRelabels.map(renderRelabel) } : {}),
    ...(job.metricRelabels && job.metricRelabels.length > 0 ? { metric_relabel_configs: job.metricRelabels.map(renderRelabel) } : {}),
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
