import { Construct } from "constructs";
import { IMAGES } from "../versions";
import { HostBinding, HostContext, publishedPorts } from "./common-props";
import { DockerService } from "./docker-service";
import { wgetHealthcheck } from "./healthchecks";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";

export interface PushgatewayProps extends HostContext {
  /** How often pushed metrics are written to the volume. @default "1m" */
  readonly persistenceInterval?: string;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
  /** @default 128 */
  readonly memoryMb?: number;
}

/** Pushgateway for cloud connectors that push; pushed groups survive restarts. */
export class Pushgateway extends Construct {
  public readonly persistenceInterval: string;
  public readonly service: DockerService;
  public readonly address = `pushgateway:${PORTS.pushgateway}`;

  constructor(scope: Construct, id: string, props: PushgatewayProps) {
    super(scope, id);
    this.persistenceInterval = props.persistenceInterval ?? "1m";
    const memoryMb = props.memoryMb ?? 128;
    new PropProblems(this).duration("persistenceInterval", this.persistenceInterval).range("memoryMb", memoryMb, 32, 65536).throwIfAny();

    this.service = new DockerService(this, "service", {
      serviceName: "pushgateway",
      image: IMAGES.pushgateway,
      network: props.network,
      secrets: props.secrets,
      memoryMb,
      command: [
        // /pushgateway is the image's working directory, owned by its user.
        "--persistence.file=/pushgateway/metrics.db",
        `--persistence.interval=${this.persistenceInterval}`,
        `--web.listen-address=:${PORTS.pushgateway}`,
      ],
      healthcheck: wgetHealthcheck(`http://127.0.0.1:${PORTS.pushgateway}/-/healthy`),
      dataVolumes: [{ name: "data", containerPath: "/pushgateway" }],
      ports: publishedPorts(props.publish, PORTS.pushgateway),
    });
  }
}
