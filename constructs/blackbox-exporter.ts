import { Construct } from "constructs";
import { IMAGES } from "../versions";
import { renderBlackboxConfig } from "./config/blackbox-config";
import { HostBinding, HostContext, publishedPorts, WebAccess } from "./common-props";
import { DockerService } from "./docker-service";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";
import { webConfigFiles } from "./web-access";

const CONFIG_DIR = "/etc/blackbox_exporter";

export interface BlackboxExporterProps extends HostContext {
  /** @default 10 (below the 15 s probe interval) */
  readonly probeTimeoutSeconds?: number;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
  /** Who may probe through it (and read its metrics), and the certificate it serves. */
  readonly access: WebAccess;
  /** @default 64 */
  readonly memoryMb?: number;
}

/** blackbox_exporter probing the node's cameras (ICMP, TCP, HTTP modules). */
export class BlackboxExporter extends Construct {
  public readonly probeTimeoutSeconds: number;
  public readonly service: DockerService;

  constructor(scope: Construct, id: string, props: BlackboxExporterProps) {
    super(scope, id);
    this.probeTimeoutSeconds = props.probeTimeoutSeconds ?? 10;
    const memoryMb = props.memoryMb ?? 64;
    new PropProblems(this).range("probeTimeoutSeconds", this.probeTimeoutSeconds, 1, 60).range("memoryMb", memoryMb, 16, 4096).throwIfAny();

    const web = webConfigFiles(CONFIG_DIR, props.access);
    this.service = new DockerService(this, "service", {
      serviceName: "blackbox-exporter",
      image: IMAGES.blackboxExporter,
      network: props.network,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      command: [`--config.file=${CONFIG_DIR}/blackbox.yml`, `--web.listen-address=:${PORTS.blackboxExporter}`, web.flag],
      // /-/healthy needs credentials; the scrape's `up` watches it.
      healthcheck: null,
      ports: publishedPorts(props.publish, PORTS.blackboxExporter),
      // ICMP probes open raw sockets; nothing else is kept.
      capabilities: ["NET_RAW"],
      readOnlyRootfs: true,
      configDir: CONFIG_DIR,
      files: [{ containerPath: `${CONFIG_DIR}/blackbox.yml`, renderedName: "blackbox.yml", content: renderBlackboxConfig({ timeoutSeconds: this.probeTimeoutSeconds }) }, ...web.files],
    });
  }
}
