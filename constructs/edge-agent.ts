import { Volume } from "@cdktf/provider-docker/lib/volume";
import { Construct } from "constructs";
import { MetricsEndpoint, reachAddress, Scrapeable, ScrapeReach } from "./scrape";
import { MixinUse, Monitored, MonitoringMixin, useMixin } from "./monitoring";
import { SensorRef, sensorRules } from "../alert-rules/edge-agent";
import { sensorPanels } from "../dashboards/panels/edge-agent";
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
  /** The sensors it reports, by the `sensor` label of its series, and how old a last update may be (a Prometheus duration). @default [] */
  readonly sensors?: readonly { readonly name: string; readonly staleAfter: string }[];
}

/** Sensor alerts (stale, missing) of every sensor the watched edge agents report, and the Sensors panels. */
export const EDGE_AGENT_MIXIN: MonitoringMixin<readonly SensorRef[]> = {
  name: "edge-agent",
  metrics: ["sensor_last_update_timestamp_seconds", "sensor_value"],
  rules: (facts, s) => [sensorRules(facts.flat(), s)],
  panels: (_, s) => sensorPanels(s),
};

/** Where the edge agent writes its log files (and the log agent reads them). */
export const EDGE_AGENT_LOG_DIR = "/var/log/edge-agent";

/** The operator's edge agent: device telemetry on :9400/metrics, logs in /var/log/edge-agent. */
export class EdgeAgent extends Construct implements Scrapeable, Monitored {
  public readonly service: DockerService;
  /** The log directory's volume, for the log agent to mount read-only. */
  public readonly logVolume: Volume;
  /** Where it writes its log files, in its container and in the log agent's. */
  public readonly logDir = EDGE_AGENT_LOG_DIR;
  private readonly publish?: HostBinding;
  public readonly sensors: readonly { readonly name: string; readonly staleAfter: string }[];

  constructor(scope: Construct, id: string, props: EdgeAgentProps) {
    super(scope, id);
    const memoryMb = props.memoryMb ?? 256;
    this.publish = props.publish;
    this.sensors = props.sensors ?? [];
    const problems = new PropProblems(this).range("memoryMb", memoryMb, 32, 65536);
    this.sensors.forEach((sensor, i) => problems.duration(`sensors[${i}].staleAfter`, sensor.staleAfter));
    problems.throwIfAny();

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

  /** Its sensors, placed where its scraper's labels say it runs. */
  monitoring(labels: Readonly<Record<string, string>>): MixinUse[] {
    const sensors = this.sensors.map((sensor) => ({ site: labels.site ?? "", node: labels.node ?? "", sensor: sensor.name, staleAfter: sensor.staleAfter }));
    return [useMixin(EDGE_AGENT_MIXIN, sensors)];
  }

  /** Plain HTTP, no credentials: on a network others can reach, put a TlsGateway in front. */
  metricsEndpoints(reach: ScrapeReach): MetricsEndpoint[] {
    const address = reachAddress(this, reach, this.service.serviceName, PORTS.edgeAgent, this.publish);
    return [{ job: "edge-agent", address, scheme: "http", check: "none", labels: { service: "edge-agent" } }];
  }
}
