import { Construct, IConstruct } from "constructs";
import { IMAGES } from "../versions";
import { renderPrometheusConfig } from "./config/prometheus-config";
import { claimOnce, MetricsEndpoint, Scrapeable, ScrapeClients, ScrapeJobSet, ScrapeReach } from "./scrape";
import { MixinUse, Monitored, MonitoringMixin, useMixin } from "./monitoring";
import { pushNodeRules } from "../alert-rules/prometheus-agent";
import { prometheusAgentPanels } from "../dashboards/panels/prometheus-agent";
import { HostContext, WebAccess } from "./common-props";
import { DockerService, ServiceFile } from "./docker-service";
import { PORTS } from "./ports";
import { clientFiles, webConfigFiles } from "./web-access";
import { PropProblems } from "./validation";
import { webConfigHealthcheck } from "./healthchecks";
import { UntilChanged } from "./until-changed";

export interface PrometheusAgentProps extends HostContext {
  /** The hub's remote-write endpoint, e.g. https://hub:9090/api/v1/write */
  readonly remoteWriteUrl: string;
  /** Password identity the agent remote-writes and scrapes as (the node's). */
  readonly identity: string;
  /** Who may call the agent's own web endpoint, and the certificate it serves. */
  readonly access: WebAccess;
  /** @default 15 */
  readonly scrapeIntervalSeconds?: number;
  /**
   * How long the WAL keeps samples the hub has not acknowledged; the node rides
   * out a hub or uplink outage this long without a gap. @default "6h"
   */
  readonly walRetention?: string;
  /** @default 256 */
  readonly memoryMb?: number;
  /** The image to run, e.g. from a private registry or mirror (same software, pinned by tag). @default IMAGES.prometheus (versions.ts) */
  readonly image?: string;
  /** Host directory of the WAL (inventory `sites[].nodes[].storage.agentWal`). @default - a named volume */
  readonly walHostPath?: string;
  /**
   * Where the alerts of what it scrapes are evaluated: the Prometheus it
   * remote-writes to (the hub's). @default - nowhere: its components' alerts are not evaluated
   */
  readonly ruleEvaluator?: RuleEvaluator;
}

/** A Prometheus that evaluates the alerts of components scraped elsewhere (their samples arrive by remote write). */
export interface RuleEvaluator {
  adopt(component: Scrapeable, labels: Readonly<Record<string, string>>): void;
}

/** Alerts of push sites as the hub sees their remote write (a node gone silent, writes falling behind), and the lag panel. */
export const PROMETHEUS_AGENT_MIXIN: MonitoringMixin<string> = {
  name: "prometheus-agent",
  metrics: ["prometheus_remote_storage_highest_timestamp_in_seconds", "prometheus_remote_storage_queue_highest_sent_timestamp_seconds"],
  rules: (sites, s) => [pushNodeRules([...new Set(sites)], s)],
  panels: () => prometheusAgentPanels(),
};

/**
 * Prometheus in agent mode on a node behind NAT: scrapes locally and
 * remote-writes to the hub, buffering in its WAL while the hub is unreachable.
 * It shares the host network so it reaches exporters bound to 127.0.0.1.
 */
export class PrometheusAgent extends Construct implements Scrapeable, Monitored {
  public readonly walRetention: string;
  public readonly scrapeIntervalSeconds: number;
  public readonly service: DockerService;
  private readonly scraped = new ScrapeJobSet();
  private readonly watched = new Set<IConstruct>();
  private readonly tlsHost?: string;
  private readonly ruleEvaluator?: RuleEvaluator;
  /** Its files, rendered again after scrape(). */
  private readonly files: UntilChanged<ServiceFile[]>;

  constructor(scope: Construct, id: string, props: PrometheusAgentProps) {
    super(scope, id);
    this.walRetention = props.walRetention ?? "6h";
    this.scrapeIntervalSeconds = props.scrapeIntervalSeconds ?? 15;
    const memoryMb = props.memoryMb ?? 256;
    this.tlsHost = props.access.tlsHost;
    this.ruleEvaluator = props.ruleEvaluator;
    new PropProblems(this)
      .duration("walRetention", this.walRetention)
      .require(/^https:\/\/[^/\s]+\/api\/v1\/write$/.test(props.remoteWriteUrl), "remoteWriteUrl", "must be an https:// Prometheus remote-write URL ending in /api/v1/write", props.remoteWriteUrl)
      .range("scrapeIntervalSeconds", this.scrapeIntervalSeconds, 1, 3600)
      .range("memoryMb", memoryMb, 64, 65536)
      .throwIfAny();

    const listen = `127.0.0.1:${PORTS.prometheus}`;
    const configDir = "/etc/prometheus";
    const web = webConfigFiles(configDir, props.access);
    const client = clientFiles(configDir, { username: props.identity });
    // Rendered at synth: components are added with scrape() after construction.
    const config = () => {
      const clients: ScrapeClients = { "basic-auth": client.client, "server-tls": client.client.tls ? { tls: client.client.tls } : undefined };
      return renderPrometheusConfig({
        scrapeIntervalSeconds: this.scrapeIntervalSeconds,
        // Agent mode evaluates no rules; the field is required by the renderer only.
        evaluationIntervalSeconds: this.scrapeIntervalSeconds,
        scrapeJobs: this.scraped.jobs(clients),
        remoteWrite: [{ url: props.remoteWriteUrl, client: client.client }],
      });
    };
    this.files = new UntilChanged(() => [{ containerPath: `${configDir}/prometheus.yml`, renderedName: "prometheus.yml", content: config() }, ...web.files, ...client.files]);
    this.service = new DockerService(this, "service", {
      serviceName: "prometheus-agent",
      servesCertificateOf: props.access.tlsHost,
      image: props.image ?? IMAGES.prometheus,
      network: props.network,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      networkMode: "host",
      hostListeners: [{ address: "127.0.0.1", port: PORTS.prometheus }],
      command: [
        "--agent",
        `--config.file=${configDir}/prometheus.yml`,
        "--storage.agent.path=/prometheus",
        `--storage.agent.retention.max-time=${this.walRetention}`,
        `--web.listen-address=${listen}`,
        web.flag,
      ],
      // Host network, on 127.0.0.1. Credentials needed: the check wants the 401 (healthchecks.ts).
      healthcheck: webConfigHealthcheck(props.access.tlsHost, listen, "/-/healthy"),
      dataVolumes: [{ name: "wal", containerPath: "/prometheus", hostPath: props.walHostPath }],
      readOnlyRootfs: true,
      configDir: configDir,
      stopTimeoutSeconds: 60,
      files: () => this.files.value,
    });
  }

  /** Scrapes a component of this node (on 127.0.0.1: the agent shares the host network). */
  scrape(component: Scrapeable, labels: Readonly<Record<string, string>>, reach: ScrapeReach = { host: "127.0.0.1" }): void {
    const endpoints = component.metricsEndpoints(reach);
    claimOnce(this, this.watched, component);
    this.scraped.add(endpoints, labels);
    this.files.changed();
    this.ruleEvaluator?.adopt(component, labels);
  }

  monitoring(labels: Readonly<Record<string, string>>): MixinUse[] {
    return [useMixin(PROMETHEUS_AGENT_MIXIN, labels.site ?? "")];
  }

  /** Its own metrics, on the host's loopback. */
  metricsEndpoints(): MetricsEndpoint[] {
    return [{ job: "prometheus-agent", address: `127.0.0.1:${PORTS.prometheus}`, scheme: this.tlsHost ? "https" : "http", check: "basic-auth", labels: { service: "prometheus-agent" } }];
  }
}
