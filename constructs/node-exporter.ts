import { Construct } from "constructs";
import { IMAGES } from "../versions";
import { HostContext } from "./common-props";
import { DockerService } from "./docker-service";
import { wgetHealthcheck } from "./healthchecks";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";

export interface NodeExporterProps extends HostContext {
  /** Host address node_exporter listens on (it shares the host's network). */
  readonly listenAddress: string;
  /** @default 9100 */
  readonly port?: number;
  /** @default 128 */
  readonly memoryMb?: number;
}

/**
 * node_exporter with the host's network, PID namespace and root filesystem
 * (read-only), as its upstream documentation runs it, so it reports the host.
 */
export class NodeExporter extends Construct {
  public readonly port: number;
  /** host:port Prometheus scrapes. */
  public readonly address: string;
  public readonly service: DockerService;

  constructor(scope: Construct, id: string, props: NodeExporterProps) {
    super(scope, id);
    this.port = props.port ?? PORTS.nodeExporter;
    this.address = `${props.listenAddress}:${this.port}`;
    const memoryMb = props.memoryMb ?? 128;
    new PropProblems(this).range("port", this.port, 1, 65535).range("memoryMb", memoryMb, 16, 65536).throwIfAny();

    this.service = new DockerService(this, "service", {
      serviceName: "node-exporter",
      image: IMAGES.nodeExporter,
      network: props.network,
      secrets: props.secrets,
      memoryMb,
      networkMode: "host",
      pidMode: "host",
      command: ["--path.rootfs=/host", `--web.listen-address=${this.address}`],
      healthcheck: wgetHealthcheck(`http://${this.address}/metrics`),
      hostMounts: [{ hostPath: "/", containerPath: "/host" }],
    });
  }
}
