import { Construct } from "constructs";
import { HostContext } from "./common-props";
import { DockerService } from "./docker-service";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";

export interface ConnectorProps extends HostContext {
  /** Container name and `service` label, e.g. "ring". */
  readonly name: string;
  /** The connector's image, pinned by tag (from the inventory). */
  readonly image: string;
  /** "scrape": Prometheus scrapes its /metrics; "push": it pushes to the pushgateway. */
  readonly metrics: "scrape" | "push" | "none";
  /** Port of its /metrics on the stack network (scrape only). @default - none */
  readonly metricsPort?: number;
  /** @default 256 */
  readonly memoryMb?: number;
}

/**
 * A cloud connector (Ring, Nest, Petcube MCP service) on the hub. It publishes
 * no port; pushers get the pushgateway's address in PUSHGATEWAY_URL.
 */
export class Connector extends Construct {
  public readonly service: DockerService;
  /** host:port Prometheus scrapes, when metrics is "scrape". */
  public readonly metricsAddress?: string;

  constructor(scope: Construct, id: string, props: ConnectorProps) {
    super(scope, id);
    const memoryMb = props.memoryMb ?? 256;
    new PropProblems(this)
      .require(props.metrics !== "scrape" || props.metricsPort !== undefined, "metricsPort", "is required when metrics is scrape", props.metricsPort)
      .range("memoryMb", memoryMb, 32, 65536)
      .throwIfAny();
    this.metricsAddress = props.metrics === "scrape" ? `${props.name}:${props.metricsPort}` : undefined;

    this.service = new DockerService(this, "service", {
      serviceName: props.name,
      image: props.image,
      network: props.network,
      secrets: props.secrets,
      memoryMb,
      env: props.metrics === "push" ? [`PUSHGATEWAY_URL=http://pushgateway:${PORTS.pushgateway}`] : [],
      // The operator's image: its own HEALTHCHECK applies; scrape or push staleness alerts watch it.
      healthcheck: null,
    });
  }
}
