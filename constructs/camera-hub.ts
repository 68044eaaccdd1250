import { Construct } from "constructs";
import { HostBinding, HostContext, publishedPorts } from "./common-props";
import { DockerService } from "./docker-service";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";

export interface CameraHubProps extends HostContext {
  /** The operator's tapo-camera-mcp image, pinned by tag (from the inventory). */
  readonly image: string;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
  /** @default 512 */
  readonly memoryMb?: number;
}

/** The camera hub, tapo-camera-mcp (FastAPI + MCP): `/api/status` for health, `/metrics` for Prometheus. */
export class CameraHub extends Construct {
  public readonly service: DockerService;
  public readonly address = `tapo-camera-mcp:${PORTS.cameraHub}`;

  constructor(scope: Construct, id: string, props: CameraHubProps) {
    super(scope, id);
    const memoryMb = props.memoryMb ?? 512;
    new PropProblems(this).range("memoryMb", memoryMb, 64, 65536).throwIfAny();

    this.service = new DockerService(this, "service", {
      serviceName: "tapo-camera-mcp",
      image: props.image,
      network: props.network,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      // A FastAPI image has Python; its standard library is the HTTP client.
      healthcheck: ["python3", "-c", `import urllib.request; urllib.request.urlopen("http://127.0.0.1:${PORTS.cameraHub}/api/status", timeout=4)`],
      ports: publishedPorts(props.publish, PORTS.cameraHub),
    });
  }
}
