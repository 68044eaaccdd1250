import { Volume } from "@cdktf/provider-docker/lib/volume";
import { Construct } from "constructs";
import { MetricsEndpoint, reachAddress, Scrapeable, ScrapeReach } from "./scrape";
import { HostBinding, HostContext, publishedPorts } from "./common-props";
import { DockerService } from "./docker-service";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";

export interface EdgeAgentProps extends HostContext {
  /** The operator's edge agent image, pinned by tag (from the inventory). */
  readonly image: string;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
  /** @default 256 */
  readonly memoryMb?: number;
}

/** Where the edge agent writes its log files (and the log agent reads them). */
export const EDGE_AGENT_LOG_DIR = "/var/log/edge-agent";

/** The operator's edge agent: device telemetry on :9400/metrics, logs in /var/log/edge-agent. */
export class EdgeAgent extends Construct implements Scrapeable {
  public readonly service: DockerService;
  /** The log directory's volume, for the log agent to mount read-only. */
  public readonly logVolume: Volume;
  private readonly publish?: HostBinding;

  constructor(scope: Construct, id: string, props: EdgeAgentProps) {
    super(scope, id);
    const memoryMb = props.memoryMb ?? 256;
    this.publish = props.publish;
    new PropProblems(this).range("memoryMb", memoryMb, 32, 65536).throwIfAny();

    this.service = new DockerService(this, "service", {
      serviceName: "edge-agent",
      image: props.image,
      network: props.network,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      // The operator's image: what it contains is unknown, so its own Dockerfile
      // HEALTHCHECK applies; Prometheus's scrape (PrometheusTargetDown) watches it too.
      healthcheck: null,
      dataVolumes: [{ name: "logs", containerPath: EDGE_AGENT_LOG_DIR }],
      ports: publishedPorts(props.publish, PORTS.edgeAgent),
    });
    this.logVolume = this.service.volumes[0];
  }

  /** Plain HTTP, no credentials: on a network others can reach, put a TlsGateway in front. */
  metricsEndpoints(reach: ScrapeReach): MetricsEndpoint[] {
    const address = reachAddress(this, reach, this.service.serviceName, PORTS.edgeAgent, this.publish);
    return [{ job: "edge-agent", address, scheme: "http", check: "none", labels: { service: "edge-agent" } }];
  }
}
