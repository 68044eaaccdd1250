import { Construct } from "constructs";
import { IMAGES } from "../versions";
import { renderBlackboxConfig } from "./config/blackbox-config";
import { HostBinding, HostContext, publishedPorts, WebAccess } from "./common-props";
import { DockerService } from "./docker-service";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";
import { webConfigHealthcheck } from "./healthchecks";
import { clientFiles, webConfigFiles } from "./web-access";

const CONFIG_DIR = "/etc/blackbox_exporter";

export interface BlackboxExporterProps extends HostContext {
  /**
   * A dark camera's failed probe lands this late, so it is part of the camera-offline
   * latency; the camera rules assume it (cameraProbeTimeoutSeconds). @default 5
   */
  readonly probeTimeoutSeconds?: number;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
  /** Who may probe through it (and read its metrics), and the certificate it serves. */
  readonly access: WebAccess;
  /** @default 64 */
  readonly memoryMb?: number;
  /** The image to run, e.g. from a private registry or mirror (same software, pinned by tag). @default IMAGES.blackboxExporter (versions.ts) */
  readonly image?: string;
  /** Probe cameras (ICMP needs NET_RAW). The hub's exporter only checks its own certificate. @default true */
  readonly cameras?: boolean;
}

/**
 * blackbox_exporter probing the node's cameras (ICMP, TCP, HTTP modules) and,
 * when it serves TLS, its own certificate: every service of a host serves the
 * same one, so the probe tells when the host's certificate nears its expiry.
 */
export class BlackboxExporter extends Construct {
  public readonly probeTimeoutSeconds: number;
  public readonly service: DockerService;

  constructor(scope: Construct, id: string, props: BlackboxExporterProps) {
    super(scope, id);
    this.probeTimeoutSeconds = props.probeTimeoutSeconds ?? 5;
    const memoryMb = props.memoryMb ?? 64;
    new PropProblems(this).range("probeTimeoutSeconds", this.probeTimeoutSeconds, 1, 60).range("memoryMb", memoryMb, 16, 4096).throwIfAny();

    const web = webConfigFiles(CONFIG_DIR, props.access);
    const cameras = props.cameras ?? true;
    const trust = props.access.tlsHost ? clientFiles(CONFIG_DIR, {}) : undefined;
    const config = renderBlackboxConfig({ timeoutSeconds: this.probeTimeoutSeconds, cameraModules: cameras, caFile: trust?.client.tls?.caFile });
    this.service = new DockerService(this, "service", {
      serviceName: "blackbox-exporter",
      image: props.image ?? IMAGES.blackboxExporter,
      network: props.network,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      command: [`--config.file=${CONFIG_DIR}/blackbox.yml`, `--web.listen-address=:${PORTS.blackboxExporter}`, web.flag],
      // /-/healthy needs credentials: the check wants the 401 (healthchecks.ts).
      healthcheck: webConfigHealthcheck(props.access.tlsHost, `127.0.0.1:${PORTS.blackboxExporter}`, "/-/healthy"),
      ports: publishedPorts(props.publish, PORTS.blackboxExporter),
      // ICMP probes open raw sockets; nothing else is kept.
      capabilities: cameras ? ["NET_RAW"] : [],
      readOnlyRootfs: true,
      configDir: CONFIG_DIR,
      files: [{ containerPath: `${CONFIG_DIR}/blackbox.yml`, renderedName: "blackbox.yml", content: config }, ...web.files, ...(trust?.files ?? [])],
    });
  }
}
