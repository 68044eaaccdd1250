import { Construct } from "constructs";
import { IMAGES } from "../versions";
import { renderBlackboxConfig } from "./config/blackbox-config";
import { HostBinding, HostContext, publishedPorts } from "./common-props";
import { DockerService } from "./docker-service";
import { wgetHealthcheck } from "./healthchecks";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";

export interface BlackboxExporterProps extends HostContext {
  /** @default 10 (below the 15 s probe interval) */
  readonly probeTimeoutSeconds?: number;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
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

    this.service = new DockerService(this, "service", {
      serviceName: "blackbox-exporter",
      image: IMAGES.blackboxExporter,
      network: props.network,
      secrets: props.secrets,
      memoryMb,
      command: ["--config.file=/etc/blackbox_exporter/blackbox.yml", `--web.listen-address=:${PORTS.blackboxExporter}`],
      healthcheck: wgetHealthcheck(`http://127.0.0.1:${PORTS.blackboxExporter}/-/healthy`),
      ports: publishedPorts(props.publish, PORTS.blackboxExporter),
      files: [{ containerPath: "/etc/blackbox_exporter/blackbox.yml", renderedName: "blackbox.yml", content: renderBlackboxConfig({ timeoutSeconds: this.probeTimeoutSeconds }) }],
    });
  }
}
