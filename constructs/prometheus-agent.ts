import { Construct } from "constructs";
import { IMAGES } from "../versions";
import { renderPrometheusConfig, ScrapeJob } from "./config/prometheus-config";
import { HostContext } from "./common-props";
import { DockerService } from "./docker-service";
import { wgetHealthcheck } from "./healthchecks";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";

export interface PrometheusAgentProps extends HostContext {
  /** The hub's remote-write endpoint, e.g. http://hub:9090/api/v1/write */
  readonly remoteWriteUrl: string;
  /** Jobs scraping this node's exporters on 127.0.0.1. */
  readonly scrapeJobs: readonly ScrapeJob[];
  /** @default 15 */
  readonly scrapeIntervalSeconds?: number;
  /**
   * How long the WAL keeps samples the hub has not acknowledged; the node rides
   * out a hub or uplink outage this long without a gap. @default "6h"
   */
  readonly walRetention?: string;
  /** @default 256 */
  readonly memoryMb?: number;
}

/**
 * Prometheus in agent mode on a node behind NAT: scrapes locally and
 * remote-writes to the hub, buffering in its WAL while the hub is unreachable.
 * It shares the host network so it reaches exporters bound to 127.0.0.1.
 */
export class PrometheusAgent extends Construct {
  public readonly walRetention: string;
  public readonly scrapeIntervalSeconds: number;
  public readonly service: DockerService;

  constructor(scope: Construct, id: string, props: PrometheusAgentProps) {
    super(scope, id);
    this.walRetention = props.walRetention ?? "6h";
    this.scrapeIntervalSeconds = props.scrapeIntervalSeconds ?? 15;
    const memoryMb = props.memoryMb ?? 256;
    new PropProblems(this)
      .duration("walRetention", this.walRetention)
      .require(/^https?:\/\/[^/\s]+\/api\/v1\/write$/.test(props.remoteWriteUrl), "remoteWriteUrl", "must be a Prometheus remote-write URL ending in /api/v1/write", props.remoteWriteUrl)
      .range("scrapeIntervalSeconds", this.scrapeIntervalSeconds, 1, 3600)
      .range("memoryMb", memoryMb, 64, 65536)
      .throwIfAny();

    const listen = `127.0.0.1:${PORTS.prometheus}`;
    const config = renderPrometheusConfig({
      scrapeIntervalSeconds: this.scrapeIntervalSeconds,
      // Agent mode evaluates no rules; the field is required by the renderer only.
      evaluationIntervalSeconds: this.scrapeIntervalSeconds,
      scrapeJobs: props.scrapeJobs,
      remoteWrite: [{ url: props.remoteWriteUrl }],
    });
    this.service = new DockerService(this, "service", {
      serviceName: "prometheus-agent",
      image: IMAGES.prometheus,
      network: props.network,
      secrets: props.secrets,
      memoryMb,
      networkMode: "host",
      command: [
        "--agent",
        "--config.file=/etc/prometheus/prometheus.yml",
        "--storage.agent.path=/prometheus",
        `--storage.agent.retention.max-time=${this.walRetention}`,
        `--web.listen-address=${listen}`,
        "--web.enable-lifecycle",
      ],
      healthcheck: wgetHealthcheck(`http://${listen}/-/ready`),
      dataVolumes: [{ name: "wal", containerPath: "/prometheus" }],
      stopTimeoutSeconds: 60,
      files: [{ containerPath: "/etc/prometheus/prometheus.yml", renderedName: "prometheus.yml", content: config }],
    });
  }
}
