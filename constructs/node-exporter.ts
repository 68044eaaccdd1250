import { Construct } from "constructs";
import { IMAGES } from "../versions";
import { HostContext, WebAccess } from "./common-props";
import { DockerService } from "./docker-service";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";
import { webConfigHealthcheck } from "./healthchecks";
import { webConfigFiles } from "./web-access";
import { MetricsEndpoint, Scrapeable } from "./scrape";
import { MixinUse, Monitored, MonitoringMixin, useMixin } from "./monitoring";
import { nodeExporterRules } from "../alert-rules/node-exporter";
import { nodeExporterPanels } from "../dashboards/panels/node-exporter";

const CONFIG_DIR = "/etc/node-exporter";

export interface NodeExporterProps extends HostContext {
  /** Host address node_exporter listens on (it shares the host's network). */
  readonly listenAddress: string;
  /** Who may scrape it, and the certificate it serves. */
  readonly access: WebAccess;
  /** @default 9100 */
  readonly port?: number;
  /** @default 128 */
  readonly memoryMb?: number;
  /** The image to run, e.g. from a private registry or mirror (same software, pinned by tag). @default IMAGES.nodeExporter (versions.ts) */
  readonly image?: string;
}

/** node_exporter's alerts (disks, nodes and sites down) and panel. */
export const NODE_EXPORTER_MIXIN: MonitoringMixin<void> = { name: "node-exporter", metrics: ["node_cpu_seconds_total", "node_memory_MemAvailable_bytes", "node_filesystem_avail_bytes", "node_filesystem_size_bytes"], rules: (_, s) => [nodeExporterRules(s)], panels: (_, s) => nodeExporterPanels(s) };

/**
 * node_exporter with the host's network, PID namespace and root filesystem
 * (read-only), as its upstream documentation runs it, so it reports the host.
 */
export class NodeExporter extends Construct implements Scrapeable, Monitored {
  public readonly port: number;
  /** host:port Prometheus scrapes. */
  public readonly address: string;
  public readonly service: DockerService;
  private readonly tlsHost?: string;

  constructor(scope: Construct, id: string, props: NodeExporterProps) {
    super(scope, id);
    this.port = props.port ?? PORTS.nodeExporter;
    this.address = `${props.listenAddress}:${this.port}`;
    const memoryMb = props.memoryMb ?? 128;
    this.tlsHost = props.access.tlsHost;
    new PropProblems(this).range("port", this.port, 1, 65535).range("memoryMb", memoryMb, 16, 65536).throwIfAny();

    const web = webConfigFiles(CONFIG_DIR, props.access);
    this.service = new DockerService(this, "service", {
      serviceName: "node-exporter",
      servesCertificateOf: props.access.tlsHost,
      image: props.image ?? IMAGES.nodeExporter,
      network: props.network,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      networkMode: "host",
      hostListeners: [{ address: props.listenAddress, port: this.port }],
      pidMode: "host",
      command: ["--path.rootfs=/host", `--web.listen-address=${this.address}`, web.flag],
      // Host network: it listens on the host's address only. Credentials needed: the check wants the 401.
      healthcheck: webConfigHealthcheck(props.access.tlsHost, this.address, "/metrics"),
      hostMounts: [{ hostPath: "/", containerPath: "/host" }],
      readOnlyRootfs: true,
      configDir: CONFIG_DIR,
      files: web.files,
    });
  }

  monitoring(): MixinUse[] {
    return [useMixin(NODE_EXPORTER_MIXIN, undefined)];
  }

  /** Host network: the same address from anywhere it is reachable. */
  metricsEndpoints(): MetricsEndpoint[] {
    return [{ job: "node-exporter", address: this.address, scheme: this.tlsHost ? "https" : "http", check: "basic-auth", labels: { service: "node-exporter" } }];
  }
}
