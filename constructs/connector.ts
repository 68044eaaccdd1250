import { Construct } from "constructs";
import { MetricsEndpoint, Scrapeable } from "./scrape";
import { HostContext } from "./common-props";
import { DockerService } from "./docker-service";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";
import { clientFiles } from "./web-access";

export interface ConnectorProps extends HostContext {
  /** Container name and `service` label, e.g. "ring". */
  readonly name: string;
  /** The connector's image, pinned by tag (from the inventory). */
  readonly image: string;
  /** "scrape": Prometheus scrapes its /metrics; "push": it pushes to the pushgateway. */
  readonly metrics: "scrape" | "push" | "none";
  /** Port of its /metrics on the stack network (scrape only). @default - none */
  readonly metricsPort?: number;
  /** Password identity it pushes to the pushgateway as (push only). */
  readonly pushIdentity: string;
  /** @default 256 */
  readonly memoryMb?: number;
}

/** Where a pushing connector finds its credentials (its image reads the *_FILE variables). */
const CREDENTIALS_DIR = "/run/secrets/home-observability";

/**
 * A cloud connector (Ring, Nest, Petcube MCP service) on the hub. It publishes
 * no port. A pusher gets PUSHGATEWAY_URL (HTTPS), PUSHGATEWAY_USERNAME,
 * PUSHGATEWAY_PASSWORD_FILE and PUSHGATEWAY_CA_FILE: the pushgateway refuses
 * pushes without them.
 */
export class Connector extends Construct implements Scrapeable {
  public readonly service: DockerService;
  /** host:port Prometheus scrapes, when metrics is "scrape". */
  public readonly metricsAddress?: string;
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ConnectorProps) {
    super(scope, id);
    const memoryMb = props.memoryMb ?? 256;
    this.name = props.name;
    new PropProblems(this)
      .require(props.metrics !== "scrape" || props.metricsPort !== undefined, "metricsPort", "is required when metrics is scrape", props.metricsPort)
      .range("memoryMb", memoryMb, 32, 65536)
      .throwIfAny();
    this.metricsAddress = props.metrics === "scrape" ? `${props.name}:${props.metricsPort}` : undefined;

    const push = clientFiles(CREDENTIALS_DIR, { username: props.pushIdentity });
    this.service = new DockerService(this, "service", {
      serviceName: props.name,
      image: props.image,
      network: props.network,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      env:
        props.metrics === "push"
          ? [
              `PUSHGATEWAY_URL=https://pushgateway:${PORTS.pushgateway}`,
              `PUSHGATEWAY_USERNAME=${props.pushIdentity}`,
              `PUSHGATEWAY_PASSWORD_FILE=${push.client.basicAuth!.passwordFile}`,
              `PUSHGATEWAY_CA_FILE=${push.client.tls!.caFile}`,
            ]
          : [],
      files: props.metrics === "push" ? push.files : [],
      // The operator's image: its own HEALTHCHECK applies; scrape or push staleness alerts watch it.
      healthcheck: null,
    });
  }

  /** One job per connector that exposes /metrics, so their `up` is told apart; none for a pusher. */
  metricsEndpoints(): MetricsEndpoint[] {
    if (!this.metricsAddress) return [];
    return [{ job: `connector-${this.name}`, address: this.metricsAddress, scheme: "http", check: "none", labels: { service: this.name } }];
  }
}
