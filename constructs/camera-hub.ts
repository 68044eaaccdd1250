import { Construct } from "constructs";
import type { Relabel } from "./config/prometheus-config";
import { MetricsEndpoint, reachAddress, Scrapeable, ScrapeReach } from "./scrape";
import { MixinUse, Monitored, MonitoringMixin, useMixin } from "./monitoring";
import { cameraHubPanels } from "../dashboards/panels/camera-hub";
import { cameraHubRules } from "../alert-rules/camera-hub";
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
  /**
   * Where each camera is. The hub reports per-camera series labelled only by
   * `camera`; scraped series get the camera's `site` and `node`, so routing and
   * inhibition treat them like the camera's probes. @default []
   */
  readonly cameraLocations?: readonly CameraLocation[];
}

/** A camera the hub reports on, and the site and node it belongs to. */
export interface CameraLocation {
  readonly camera: string;
  readonly site: string;
  readonly node: string;
}

/** The camera hub's alert (a camera it cannot reach) and panels. */
export const CAMERA_HUB_MIXIN: MonitoringMixin<void> = {
  name: "camera-hub",
  metrics: ["tapo_camera_online", "http_requests_total"],
  rules: (_, s) => [cameraHubRules(s)],
  panels: (_, s) => cameraHubPanels(s),
};

/** The camera hub, tapo-camera-mcp (FastAPI + MCP): `/api/status` for health, `/metrics` for Prometheus. */
export class CameraHub extends Construct implements Scrapeable, Monitored {
  public readonly service: DockerService;
  public readonly address = `tapo-camera-mcp:${PORTS.cameraHub}`;
  private readonly publish?: HostBinding;
  private readonly cameraLocations: readonly CameraLocation[];

  constructor(scope: Construct, id: string, props: CameraHubProps) {
    super(scope, id);
    const memoryMb = props.memoryMb ?? 512;
    this.publish = props.publish;
    this.cameraLocations = props.cameraLocations ?? [];
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

  monitoring(): MixinUse[] {
    return [useMixin(CAMERA_HUB_MIXIN, undefined)];
  }

  metricsEndpoints(reach: ScrapeReach): MetricsEndpoint[] {
    const address = reachAddress(this, reach, this.service.serviceName, PORTS.cameraHub, this.publish);
    return [{ job: "tapo-camera-mcp", address, scheme: "http", check: "none", labels: { service: "tapo-camera-mcp" }, jobSettings: { metricRelabels: this.locationRelabels() } }];
  }

  /** One pair of relabels per node: cameras of a node share one regex. */
  private locationRelabels(): Relabel[] {
    const nodes = new Map<string, { site: string; node: string; cameras: string[] }>();
    for (const { camera, site, node } of this.cameraLocations) {
      const key = JSON.stringify([site, node]);
      nodes.set(key, { site, node, cameras: [...(nodes.get(key)?.cameras ?? []), camera] });
    }
    return [...nodes.values()].flatMap(({ site, node, cameras }) => {
      const regex = cameras.join("|");
      return [
        { sourceLabel: "camera", regex, targetLabel: "site", replacement: site },
        { sourceLabel: "camera", regex, targetLabel: "node", replacement: node },
      ];
    });
  }
}
