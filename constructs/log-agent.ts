import type { EdgeAgent } from "./edge-agent";
import { Construct } from "constructs";
import { MetricsEndpoint, reachAddress, Scrapeable, ScrapeReach } from "./scrape";
import { MixinUse, Monitored, MonitoringMixin, useMixin } from "./monitoring";
import { logAgentPanels } from "../dashboards/panels/log-agent";
import { PORTS } from "./ports";
import { IMAGES } from "../versions";
import { alloyCommand, renderAlloyConfig } from "./config/alloy-config";
import { LogAgentConfig } from "./config/log-agent";
import { renderPromtailConfig } from "./config/promtail-config";
import { HostBinding, HostContext, publishedPorts } from "./common-props";
import { DockerService } from "./docker-service";
import { bashHealthcheck } from "./healthchecks";
import { PropProblems } from "./validation";
import { clientFiles } from "./web-access";

export type LogAgentKind = "promtail" | "alloy";

export interface LogAgentProps extends HostContext {
  /** Promtail (end of life since 2026-03-02) or Grafana Alloy, its successor. */
  readonly kind: LogAgentKind;
  /** Loki's push endpoint: the hub's TLS gateway, e.g. https://192.168.1.10:3100/loki/api/v1/push */
  readonly lokiPushUrl: string;
  /** `site` label of every line. */
  readonly site: string;
  /** `device` label of every line: the host's name. */
  readonly device: string;
  /** Host whose certificate the agent presents to the hub's Loki gateway. */
  readonly certificateHost: string;
  /** The edge agent whose log files it ships: their volume mounted read-only, `service` its name. @default - container logs only */
  readonly fileLogsOf?: EdgeAgent;
  /** The Docker socket, mounted read-only, for container discovery and container logs. @default "/var/run/docker.sock" */
  readonly dockerSocket?: string;
  /** `severity` of a line that carries none (or is not JSON). @default "info" */
  readonly defaultSeverity?: string;
  /** Port of its HTTP server (metrics, readiness). @default 9080 (Promtail) or 12345 (Alloy) */
  readonly httpPort?: number;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
  /** @default 128 */
  readonly memoryMb?: number;
  /** The image to run, e.g. from a private registry or mirror (same software, pinned by tag). @default IMAGES.promtail or IMAGES.alloy (versions.ts), by kind */
  readonly image?: string;
}

const AGENTS = {
  promtail: { image: IMAGES.promtail, httpPort: PORTS.promtail, dataDir: "/data", configDir: "/etc/promtail", configName: "promtail.yaml" },
  // configDir/configName is ALLOY_CONFIG_PATH, which alloyCommand passes.
  alloy: { image: IMAGES.alloy, httpPort: PORTS.alloy, dataDir: "/var/lib/alloy/data", configDir: "/etc/alloy", configName: "config.alloy" },
} as const;

/** The log agents' panels, one per agent kind in use (their alerts are Loki's: lines discarded). */
export const LOG_AGENT_MIXIN: MonitoringMixin<LogAgentKind> = { name: "log-agent", metrics: ["promtail_request_duration_seconds_count", "promtail_dropped_entries_total", "loki_write_request_duration_seconds_count", "loki_write_dropped_entries_total"], rules: () => [], panels: (kinds) => logAgentPanels(kinds) };

/**
 * Ships the edge agent's log files and every container's logs to Loki. Read
 * positions live on a volume, so a restart neither loses nor repeats lines.
 */
export class LogAgent extends Construct implements Scrapeable, Monitored {
  public readonly kind: LogAgentKind;
  public readonly service: DockerService;
  public readonly httpPort: number;
  private readonly publish?: HostBinding;

  constructor(scope: Construct, id: string, props: LogAgentProps) {
    super(scope, id);
    this.kind = props.kind;
    this.httpPort = props.httpPort ?? AGENTS[props.kind].httpPort;
    this.publish = props.publish;
    const memoryMb = props.memoryMb ?? 128;
    new PropProblems(this)
      .require(/^https:\/\/[^/\s]+\/loki\/api\/v1\/push$/.test(props.lokiPushUrl), "lokiPushUrl", "must be an https:// Loki push URL (the gateway) ending in /loki/api/v1/push", props.lokiPushUrl)
      .range("memoryMb", memoryMb, 32, 65536)
      .throwIfAny();

    const agent = AGENTS[props.kind];
    const configPath = `${agent.configDir}/${agent.configName}`;
    const client = clientFiles(agent.configDir, { certificateHost: props.certificateHost });
    const tls = { caFile: client.client.tls!.caFile, certFile: client.client.tls!.certFile!, keyFile: client.client.tls!.keyFile! };
    const files = props.fileLogsOf;
    const config: LogAgentConfig = {
      lokiPushUrl: props.lokiPushUrl,
      site: props.site,
      device: props.device,
      edgeAgentLogGlob: files ? `${files.logDir}/*.log` : undefined,
      edgeAgentService: files?.service.serviceName ?? "edge-agent",
      dockerSocket: props.dockerSocket ?? "/var/run/docker.sock",
      defaultSeverity: props.defaultSeverity ?? "info",
      dataDir: agent.dataDir,
      httpPort: this.httpPort,
      tls,
    };
    this.service = new DockerService(this, "service", {
      serviceName: props.kind,
      image: props.image ?? agent.image,
      network: props.network,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      command: props.kind === "promtail" ? [`-config.file=${configPath}`] : alloyCommand(config),
      healthcheck: bashHealthcheck(this.httpPort, props.kind === "promtail" ? "/ready" : "/-/ready"),
      dataVolumes: [{ name: "positions", containerPath: agent.dataDir }],
      sharedVolumes: files ? [{ volume: files.logVolume, containerPath: files.logDir, readOnly: true }] : [],
      // Container discovery and container logs come from the Docker API.
      hostMounts: [{ hostPath: config.dockerSocket, containerPath: config.dockerSocket }],
      ports: publishedPorts(props.publish, this.httpPort),
      // Root in the image (the Docker socket), with one capability: DAC_OVERRIDE,
      // to read the edge agent's logs and write its data directory, which the
      // Alloy image gives its (unused) alloy user. The socket itself is root on
      // the host: README, Security.
      capabilities: ["DAC_OVERRIDE"],
      readOnlyRootfs: true,
      configDir: agent.configDir,
      tmpfsDirs: ["/tmp"],
      files: [
        ...client.files,
        {
          containerPath: configPath,
          renderedName: agent.configName,
          content: props.kind === "promtail" ? renderPromtailConfig(config) : renderAlloyConfig(config),
        },
      ],
    });
  }

  monitoring(): MixinUse[] {
    return [useMixin(LOG_AGENT_MIXIN, this.kind)];
  }

  /** Plain HTTP, no credentials: on a network others can reach, put a TlsGateway in front. */
  metricsEndpoints(reach: ScrapeReach): MetricsEndpoint[] {
    const address = reachAddress(this, reach, this.service.serviceName, this.httpPort, this.publish);
    return [{ job: "log-agent", address, scheme: "http", check: "none", labels: { service: "log-agent" } }];
  }
}
