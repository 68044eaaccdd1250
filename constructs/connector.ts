import { Construct } from "constructs";
import { MetricsEndpoint, Scrapeable } from "./scrape";
import { MixinUse, Monitored, MonitoringMixin, useMixin } from "./monitoring";
import { connectorRules, PusherRef } from "../alert-rules/connectors";
import { connectorPanels } from "../dashboards/panels/connectors";
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
  /** For push: age of its last push (`push_time_seconds`) after which it counts as stale. @default "15m" */
  readonly pushStaleAfter?: string;
  /** @default 256 */
  readonly memoryMb?: number;
}

/** Where a pushing connector finds its credentials (its image reads the *_FILE variables). */
const CREDENTIALS_DIR = "/run/secrets/home-observability";

/** What one connector adds to its kind's alerts: whether it pushes, and when that is stale. */
interface ConnectorFacts {
  readonly pusher?: PusherRef;
}

/** Stale-push alerts of every connector that pushes, and the connectors' panel. */
export const CONNECTOR_MIXIN: MonitoringMixin<ConnectorFacts> = {
  name: "connectors",
  // The pushgateway records it for every push.
  metrics: ["push_time_seconds"],
  rules: (facts) => [connectorRules(facts.flatMap((f) => (f.pusher ? [f.pusher] : [])))],
  panels: (facts) => (facts.some((f) => f.pusher) ? connectorPanels() : []),
};

/**
 * A cloud connector (Ring, Nest, Petcube MCP service) on the hub. It publishes
 * no port. A pusher gets PUSHGATEWAY_URL (HTTPS), PUSHGATEWAY_USERNAME,
 * PUSHGATEWAY_PASSWORD_FILE and PUSHGATEWAY_CA_FILE: the pushgateway refuses
 * pushes without them.
 */
export class Connector extends Construct implements Scrapeable, Monitored {
  public readonly service: DockerService;
  /** host:port Prometheus scrapes, when metrics is "scrape". */
  public readonly metricsAddress?: string;
  public readonly name: string;
  private readonly pusher?: PusherRef;

  constructor(scope: Construct, id: string, props: ConnectorProps) {
    super(scope, id);
    const memoryMb = props.memoryMb ?? 256;
    this.name = props.name;
    this.pusher = props.metrics === "push" ? { name: props.name, staleAfter: props.pushStaleAfter ?? "15m" } : undefined;
    new PropProblems(this)
      .require(props.metrics !== "scrape" || props.metricsPort !== undefined, "metricsPort", "is required when metrics is scrape", props.metricsPort)
      .range("memoryMb", memoryMb, 32, 65536)
      .duration("pushStaleAfter", props.pushStaleAfter ?? "15m")
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

  monitoring(): MixinUse[] {
    return [useMixin(CONNECTOR_MIXIN, { pusher: this.pusher })];
  }

  /** One job per connector that exposes /metrics, so their `up` is told apart; none for a pusher. */
  metricsEndpoints(): MetricsEndpoint[] {
    if (!this.metricsAddress) return [];
    return [{ job: `connector-${this.name}`, address: this.metricsAddress, scheme: "http", check: "none", labels: { service: this.name } }];
  }
}
