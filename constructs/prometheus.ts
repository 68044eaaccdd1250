import { Network } from "@cdktf/provider-docker/lib/network";
import { Construct, IConstruct } from "constructs";
import { IMAGES } from "../versions";
import { AlertmanagerTarget, HttpClient, RemoteWriteQueue, RemoteWriteTarget, renderPrometheusConfig, ScrapeJob, WriteRelabel } from "./config/prometheus-config";
import { secretRef } from "./config/terraform-content";
import { HostBinding, HostContext, publishedPortOf, publishedPorts, WebAccess } from "./common-props";
import { DockerService, ServiceFile } from "./docker-service";
import { PORTS } from "./ports";
import { ClientIdentity, clientFiles, webConfigFiles } from "./web-access";
import { PropProblems } from "./validation";
import { webConfigHealthcheck } from "./healthchecks";
import { claimOnce, MetricsEndpoint, Scrapeable, ScrapeClients, ScrapeJobSet, ScrapeReach } from "./scrape";
import { isMonitored, MixinSet, MixinUse, Monitored, MonitoringMixin, useMixin } from "./monitoring";
import { AlertSettings, ResolvedAlertSettings, resolveAlertSettings } from "../alert-rules/settings";
import type { RuleFile } from "../alert-rules/types";
import { prometheusRules } from "../alert-rules/prometheus";
import { renderRuleGroups } from "./config/rule-files";
import type { DashboardPanels } from "../dashboards/frames";
import { prometheusPanels } from "../dashboards/panels/prometheus";
import { UntilChanged } from "./until-changed";

export interface RuleFileContent {
  /** File name under rules/. */
  readonly fileName: string;
  readonly content: string;
}

/** A long-term store this Prometheus remote-writes to; secrets by sensitive variable name only. */
export interface RemoteWriteStore {
  readonly name: string;
  readonly url: string;
  /** @default - no authentication */
  readonly auth?: { readonly type: "basic"; readonly username: string; readonly passwordVariable: string } | { readonly type: "bearer"; readonly tokenVariable: string };
  /** Variable holding the PEM of the store's CA. @default - the system's CAs */
  readonly caVariable?: string;
  /** @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  readonly queue: RemoteWriteQueue;
  /** @default [] */
  readonly writeRelabels?: readonly WriteRelabel[];
}

export interface PrometheusProps extends HostContext {
  /** Further networks to join (Loki's internal network, to scrape Loki). @default [] */
  readonly extraNetworks?: Network[];
  /** @default "30d" */
  readonly retentionTime?: string;
  /** @default "40GB" */
  readonly retentionSize?: string;
  /** @default 30 */
  readonly scrapeIntervalSeconds?: number;
  /** @default 30 */
  readonly evaluationIntervalSeconds?: number;
  /** Alertmanager host:port addresses (HTTPS, as this Prometheus's client): every replica of a cluster. @default [] */
  readonly alertmanagers?: string[];
  /** Long-term stores to remote-write to. @default [] */
  readonly remoteWrite?: readonly RemoteWriteStore[];
  /** global.external_labels: on every remote-written sample (and alert). @default {} */
  readonly externalLabels?: Readonly<Record<string, string>>;
  /** Who may call this Prometheus (UI, API, remote write) and the certificate it serves. */
  readonly access: WebAccess;
  /** How it authenticates to what it scrapes and to Alertmanager. */
  readonly clientIdentity: ClientIdentity;
  /** Accept samples from edge agents (push sites). @default false */
  readonly acceptRemoteWrite?: boolean;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
  /** @default 2048 */
  readonly memoryMb?: number;
  /** The image to run, e.g. from a private registry or mirror (same software, pinned by tag). @default IMAGES.prometheus (versions.ts) */
  readonly image?: string;
  /** Host directory of the TSDB volume (inventory `hub.storage.prometheus`). @default - a named volume */
  readonly dataHostPath?: string;
  /** Thresholds, windows and selectors of the alerts it evaluates (the inventory's `alerting.settings`). @default - every setting's default */
  readonly alertSettings?: AlertSettings;
  /** Where RUNBOOK.md is published: every alert's `runbook_url` links to its section there. @default "RUNBOOK.md" */
  readonly runbookUrl?: string;
}

/** Prometheus's own alerts: the dead man's switch, targets down, rules failing; and its panels. */
export const PROMETHEUS_MIXIN: MonitoringMixin<void> = {
  name: "prometheus",
  metrics: ["up", "ALERTS", "prometheus_rule_evaluation_failures_total", "prometheus_rule_group_last_duration_seconds"],
  rules: (_, settings) => [prometheusRules(settings)],
  panels: () => prometheusPanels(),
};

const CONFIG_DIR = "/etc/prometheus";

/** Prometheus server: persistent TSDB, reloadable config (`/-/reload`), alert rules. */
export class Prometheus extends Construct implements Scrapeable, Monitored {
  public readonly retentionTime: string;
  public readonly retentionSize: string;
  public readonly scrapeIntervalSeconds: number;
  public readonly evaluationIntervalSeconds: number;
  public readonly acceptRemoteWrite: boolean;
  public readonly service: DockerService;
  private readonly scrapeJobs = new Map<string, ScrapeJob>();
  private readonly scraped = new ScrapeJobSet();
  private readonly mixins = new MixinSet();
  /** Components scraped or watched here: each once. */
  private readonly watched = new Set<IConstruct>();
  private readonly users: readonly string[];
  private readonly clientUsername: string;
  public readonly alertSettings: ResolvedAlertSettings;
  public readonly runbookUrl: string;
  /** Its URL on its Docker network (Grafana's datasource). */
  public readonly url: string;
  private readonly tlsHost?: string;
  private readonly publish?: HostBinding;
  private readonly addedRuleFiles = new Map<string, RuleFileContent>();
  /** Its files, rendered again after scrape(), adopt(), addScrapeJob() or addRuleFile(). */
  private readonly files = new UntilChanged(() => this.renderFiles());
  private readonly alertmanagers: string[];
  private readonly remoteWrite: readonly RemoteWriteStore[];
  private readonly externalLabels: Readonly<Record<string, string>>;
  /** Settings for scrape jobs that need this Prometheus's credentials, CA or client certificate. */
  public readonly client: HttpClient;
  private readonly clientFiles: ServiceFile[];
  private readonly webFiles: ServiceFile[];

  constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    this.retentionTime = props.retentionTime ?? "30d";
    this.retentionSize = props.retentionSize ?? "40GB";
    this.scrapeIntervalSeconds = props.scrapeIntervalSeconds ?? 30;
    this.evaluationIntervalSeconds = props.evaluationIntervalSeconds ?? 30;
    this.acceptRemoteWrite = props.acceptRemoteWrite ?? false;
    this.alertmanagers = props.alertmanagers ?? [];
    this.remoteWrite = props.remoteWrite ?? [];
    this.externalLabels = props.externalLabels ?? {};
    const memoryMb = props.memoryMb ?? 2048;
    this.tlsHost = props.access.tlsHost;
    this.users = props.access.users;
    this.clientUsername = props.clientIdentity.username ?? "";
    this.alertSettings = resolveAlertSettings(props.alertSettings);
    this.runbookUrl = props.runbookUrl ?? "RUNBOOK.md";
    this.publish = props.publish;
    this.url = `${props.access.tlsHost ? "https" : "http"}://prometheus:${PORTS.prometheus}`;
    new PropProblems(this)
      .duration("retentionTime", this.retentionTime)
      .size("retentionSize", this.retentionSize)
      .range("scrapeIntervalSeconds", this.scrapeIntervalSeconds, 1, 3600)
      .range("evaluationIntervalSeconds", this.evaluationIntervalSeconds, 1, 3600)
      .range("memoryMb", memoryMb, 64, 1048576)
      .throwIfAny();

    const web = webConfigFiles(CONFIG_DIR, props.access);
    const client = clientFiles(CONFIG_DIR, props.clientIdentity);
    this.client = client.client;
    this.clientFiles = client.files;
    this.webFiles = web.files;
    this.service = new DockerService(this, "service", {
      serviceName: "prometheus",
      servesCertificateOf: props.access.tlsHost,
      image: props.image ?? IMAGES.prometheus,
      network: props.network,
      extraNetworks: props.extraNetworks,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      command: [
        `--config.file=${CONFIG_DIR}/prometheus.yml`,
        "--storage.tsdb.path=/prometheus",
        `--storage.tsdb.retention.time=${this.retentionTime}`,
        `--storage.tsdb.retention.size=${this.retentionSize}`,
        `--web.listen-address=:${PORTS.prometheus}`,
        web.flag,
        // No --web.enable-lifecycle (a config change replaces the container, so
        // /-/reload is not needed and /-/quit stays closed) and no admin API.
        ...(this.acceptRemoteWrite ? ["--web.enable-remote-write-receiver"] : []),
      ],
      // Every path needs credentials: the check wants the 401 (healthchecks.ts).
      healthcheck: webConfigHealthcheck(props.access.tlsHost, `127.0.0.1:${PORTS.prometheus}`, "/-/healthy"),
      dataVolumes: [{ name: "data", containerPath: "/prometheus", hostPath: props.dataHostPath }],
      readOnlyRootfs: true,
      configDir: CONFIG_DIR,
      ports: publishedPorts(props.publish, PORTS.prometheus),
      stopTimeoutSeconds: 120,
      files: () => this.files.value,
    });
  }

  /**
   * Scrapes a component: its endpoints, with `labels` (site, node) on every
   * target. Endpoints of the same job from several hosts share one job. The
   * component's alerts are evaluated here, where its metrics land.
   */
  scrape(component: Scrapeable, labels: Readonly<Record<string, string>>, reach: ScrapeReach = {}): void {
    const endpoints = component.metricsEndpoints(reach);
    const taken = endpoints.find((e) => this.scrapeJobs.has(e.job));
    if (taken) throw new Error(`${this.node.path}: ${component.node.path} offers scrape job ${JSON.stringify(taken.job)}, which was added as given`);
    if (component === this && !this.users.includes(this.clientUsername))
      throw new Error(`${this.node.path}: scrapes itself as ${JSON.stringify(this.clientUsername)}, which access.users (${this.users.join(", ")}) does not let in`);
    try {
      this.scraped.add(endpoints, labels);
    } catch (err) {
      throw new Error(`${this.node.path}: ${component.node.path}: ${(err as Error).message}`);
    }
    this.adopt(component, labels);
    this.files.changed();
  }

  /** Evaluates a component's alerts without scraping it: its metrics arrive by remote write (a push node's agent). */
  adopt(component: Scrapeable, labels: Readonly<Record<string, string>>): void {
    claimOnce(this, this.watched, component);
    if (!isMonitored(component)) return;
    try {
      this.mixins.add(component.monitoring(labels), this.alertSettings);
    } catch (err) {
      throw new Error(`${this.node.path}: ${(err as Error).message}`);
    } finally {
      this.files.changed();
    }
  }

  monitoring(): MixinUse[] {
    return [useMixin(PROMETHEUS_MIXIN, undefined)];
  }

  /** The rule files of every component it watches, with their promtool cases (RUNBOOK.md, tests). */
  ruleFiles(): RuleFile[] {
    return this.mixins.ruleFiles(this.alertSettings);
  }

  /** The mixins of every kind of component it watches, in the order first met. */
  watchedMixins(): MonitoringMixin<never>[] {
    return this.mixins.mixins();
  }

  /** The dashboard panels of every component it watches. */
  dashboardPanels(): DashboardPanels[] {
    return this.mixins.panels(this.alertSettings);
  }

  /** Its own metrics, on loopback in its container: only it scrapes itself. */
  metricsEndpoints(): MetricsEndpoint[] {
    return [{ job: "prometheus", address: `localhost:${PORTS.prometheus}`, scheme: this.tlsHost ? "https" : "http", check: "basic-auth", labels: { service: "prometheus" } }];
  }

  /** Adds a scrape job as given (for targets that are not components); job names are unique. */
  addScrapeJob(job: ScrapeJob): void {
    if (this.scrapeJobs.has(job.name) || this.scraped.jobNames().has(job.name)) throw new Error(`${this.node.path}: duplicate scrape job ${JSON.stringify(job.name)}`);
    this.scrapeJobs.set(job.name, job);
    this.files.changed();
  }

  /** Adds a rule file (rendered elsewhere, e.g. from alert-rules/); file names are unique. */
  addRuleFile(file: RuleFileContent): void {
    if (this.addedRuleFiles.has(file.fileName)) throw new Error(`${this.node.path}: duplicate rule file ${JSON.stringify(file.fileName)}`);
    this.addedRuleFiles.set(file.fileName, file);
    this.files.changed();
  }

  private secretPath(variable: string): string {
    return `${CONFIG_DIR}/secrets/${variable}`;
  }

  private remoteWriteTarget(store: RemoteWriteStore): RemoteWriteTarget {
    const auth = store.auth;
    return {
      url: store.url,
      name: store.name,
      headers: store.headers,
      client: {
        ...(auth?.type === "basic" ? { basicAuth: { username: auth.username, passwordFile: this.secretPath(auth.passwordVariable) } } : {}),
        ...(store.caVariable ? { tls: { caFile: this.secretPath(store.caVariable) } } : {}),
      },
      bearerTokenFile: auth?.type === "bearer" ? this.secretPath(auth.tokenVariable) : undefined,
      queue: store.queue,
      writeRelabels: store.writeRelabels,
    };
  }

  /** One file per sensitive variable the stores need, filled in by Terraform (as every service's secrets/). */
  private remoteWriteSecretFiles(): ServiceFile[] {
    const variables = this.remoteWrite.flatMap((store) => [
      ...(store.auth?.type === "basic" ? [store.auth.passwordVariable] : store.auth?.type === "bearer" ? [store.auth.tokenVariable] : []),
      ...(store.caVariable ? [store.caVariable] : []),
    ]);
    return [...new Set(variables)].sort().map((variable) => ({ containerPath: this.secretPath(variable), renderedName: `secrets/${variable}`, content: secretRef(variable) }));
  }

  /** Jobs added as given and jobs of scraped components, by name. */
  private allScrapeJobs(): ScrapeJob[] {
    const caOnly = this.client.tls ? { tls: { caFile: this.client.tls.caFile } } : undefined;
    const clients: ScrapeClients = {
      // Basic auth only where it is checked; the client certificate only for gateways.
      "basic-auth": { basicAuth: this.client.basicAuth, ...caOnly },
      "server-tls": caOnly,
      "client-certificate": this.client.tls ? { tls: this.client.tls } : undefined,
    };
    return [...this.scrapeJobs.values(), ...this.scraped.jobs(clients)].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Rule files added as given and the watched components', by name. */
  private ruleFileContents(): RuleFileContent[] {
    const files = [...this.addedRuleFiles.values(), ...this.ruleFiles().map((f) => ({ fileName: f.fileName, content: renderRuleGroups(f.groups, this.runbookUrl) }))];
    const names = files.map((f) => f.fileName);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) throw new Error(`${this.node.path}: rule file ${JSON.stringify(duplicate)} was added as given and also comes from a watched component`);
    return files.sort((a, b) => a.fileName.localeCompare(b.fileName));
  }

  private renderFiles(): ServiceFile[] {
    const rules = this.ruleFileContents();
    const config = renderPrometheusConfig({
      scrapeIntervalSeconds: this.scrapeIntervalSeconds,
      evaluationIntervalSeconds: this.evaluationIntervalSeconds,
      // Relative to the config file, so the same file validates in rendered/ and runs in the container.
      ruleFiles: rules.length > 0 ? ["rules/*.yml"] : [],
      alertmanagers: this.alertmanagers.map((address): AlertmanagerTarget => ({ address, scheme: "https", client: this.client })),
      scrapeJobs: this.allScrapeJobs(),
      externalLabels: this.externalLabels,
      remoteWrite: this.remoteWrite.map((store) => this.remoteWriteTarget(store)),
    });
    return [
      { containerPath: `${CONFIG_DIR}/prometheus.yml`, renderedName: "prometheus.yml", content: config },
      ...this.webFiles,
      ...this.clientFiles,
      ...this.remoteWriteSecretFiles(),
      ...rules.map((f) => ({ containerPath: `${CONFIG_DIR}/rules/${f.fileName}`, renderedName: `rules/${f.fileName}`, content: f.content })),
    ];
  }

  /** The host port it is published at; fails, naming it, when it is not published. */
  get publishedPort(): number {
    return publishedPortOf(this, this.publish, PORTS.prometheus);
  }
}
