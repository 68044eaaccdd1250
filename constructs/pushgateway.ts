import { Construct } from "constructs";
import { MetricsEndpoint, reachAddress, Scrapeable, ScrapeReach } from "./scrape";
import { IMAGES } from "../versions";
import { HostBinding, HostContext, publishedPorts, WebAccess } from "./common-props";
import { DockerService } from "./docker-service";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";
import { webConfigHealthcheck } from "./healthchecks";
import { webConfigFiles } from "./web-access";

const CONFIG_DIR = "/etc/pushgateway";

export interface PushgatewayProps extends HostContext {
  /** How often pushed metrics are written to the volume. @default "1m" */
  readonly persistenceInterval?: string;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
  /** Who may push, read and delete groups, and the certificate it serves. */
  readonly access: WebAccess;
  /** @default 128 */
  readonly memoryMb?: number;
  /** The image to run, e.g. from a private registry or mirror (same software, pinned by tag). @default IMAGES.pushgateway (versions.ts) */
  readonly image?: string;
  /** Host directory of the persistence file (inventory `hub.storage.pushgateway`). @default - a named volume */
  readonly dataHostPath?: string;
}

/** Pushgateway for cloud connectors that push; pushed groups survive restarts. */
export class Pushgateway extends Construct implements Scrapeable {
  public readonly persistenceInterval: string;
  public readonly service: DockerService;
  public readonly address = `pushgateway:${PORTS.pushgateway}`;
  private readonly tlsHost?: string;
  private readonly publish?: HostBinding;

  constructor(scope: Construct, id: string, props: PushgatewayProps) {
    super(scope, id);
    this.persistenceInterval = props.persistenceInterval ?? "1m";
    const memoryMb = props.memoryMb ?? 128;
    new PropProblems(this).duration("persistenceInterval", this.persistenceInterval).range("memoryMb", memoryMb, 32, 65536).throwIfAny();

    const web = webConfigFiles(CONFIG_DIR, props.access);
    this.tlsHost = props.access.tlsHost;
    this.publish = props.publish;
    this.service = new DockerService(this, "service", {
      serviceName: "pushgateway",
      servesCertificateOf: props.access.tlsHost,
      image: props.image ?? IMAGES.pushgateway,
      network: props.network,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      command: [
        // /pushgateway is the image's working directory, owned by its user.
        "--persistence.file=/pushgateway/metrics.db",
        `--persistence.interval=${this.persistenceInterval}`,
        `--web.listen-address=:${PORTS.pushgateway}`,
        // Pushing (and deleting) groups needs credentials: nothing else can fake "sensor ok".
        web.flag,
      ],
      // /-/healthy needs credentials: the check wants the 401 (healthchecks.ts).
      healthcheck: webConfigHealthcheck(props.access.tlsHost, `127.0.0.1:${PORTS.pushgateway}`, "/-/healthy"),
      dataVolumes: [{ name: "data", containerPath: "/pushgateway", hostPath: props.dataHostPath }],
      ports: publishedPorts(props.publish, PORTS.pushgateway),
      readOnlyRootfs: true,
      configDir: CONFIG_DIR,
      files: web.files,
    });
  }

  /** Pushed series keep the job/instance labels their pusher gave them. */
  metricsEndpoints(reach: ScrapeReach): MetricsEndpoint[] {
    const address = reachAddress(this, reach, this.service.serviceName, PORTS.pushgateway, this.publish);
    return [{ job: "pushgateway", address, scheme: this.tlsHost ? "https" : "http", check: "basic-auth", labels: { service: "pushgateway" }, jobSettings: { honorLabels: true } }];
  }
}
