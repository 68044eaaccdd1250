import { Network } from "@cdktf/provider-docker/lib/network";
import { Construct } from "constructs";
import { MetricsEndpoint, reachAddress, Scrapeable, ScrapeReach } from "./scrape";
import { isMonitored, MixinUse, Monitored } from "./monitoring";
import { IMAGES } from "../versions";
import { GatewayRoute, renderNginxGateway } from "./config/nginx-gateway";
import { tlsRef } from "./config/terraform-content";
import { HostBinding, HostContext, publishedPortOf, publishedPorts } from "./common-props";
import { DockerService } from "./docker-service";
import { bashHealthcheck } from "./healthchecks";
import { PropProblems } from "./validation";

export interface TlsGatewayProps extends HostContext {
  /** Container name and network alias, e.g. "loki-gateway". */
  readonly serviceName: string;
  /** Port inside the container (nginx-unprivileged runs as a user, so above 1024). */
  readonly port: number;
  /** Where the gateway is published on the host. @default - only on the Docker network */
  readonly publish?: HostBinding;
  /** Certificate it serves: `${tls.<host>.*}`. */
  readonly tlsHost: string;
  /** Certificate CNs (host names) allowed through. */
  readonly allowedClients: readonly string[];
  /** @default [] */
  readonly routes?: readonly GatewayRoute[];
  /**
   * Components whose plain /metrics it serves, each at `/<service>/metrics`
   * (GET, every allowed client); scraping the gateway scrapes them. @default []
   */
  readonly metricsOf?: readonly Scrapeable[];
  /** Further networks to join, where the upstreams are. @default [] */
  readonly extraNetworks?: Network[];
  /** @default 64 */
  readonly memoryMb?: number;
  /** The image to run, e.g. from a private registry or mirror (same software, pinned by tag). @default IMAGES.nginxUnprivileged (versions.ts) */
  readonly image?: string;
}

const CONFIG_DIR = "/etc/nginx/gateway";
const TEMP_DIR = "/tmp";
const HEALTH_PORT = 8081;
/** Docker's embedded DNS server, on every user-defined network. */
const DOCKER_DNS = "127.0.0.11";

/**
 * nginx in front of services that have no authentication of their own (Loki,
 * the edge agent, the log agents): TLS with the host's certificate, a client
 * certificate from the private CA required, allowed CNs and paths listed.
 */
export class TlsGateway extends Construct implements Scrapeable, Monitored {
  public readonly service: DockerService;
  public readonly port: number;
  /** The components whose metrics it serves. */
  public readonly behind: readonly Scrapeable[];
  private readonly publish?: HostBinding;
  /** Each component's endpoints (as seen on this network) and the path the gateway serves them at. */
  private readonly passed: readonly { readonly endpoint: MetricsEndpoint; readonly path: string }[];

  constructor(scope: Construct, id: string, props: TlsGatewayProps) {
    super(scope, id);
    const memoryMb = props.memoryMb ?? 64;
    this.port = props.port;
    this.behind = props.metricsOf ?? [];
    this.publish = props.publish;
    this.passed = (props.metricsOf ?? []).flatMap((component) => component.metricsEndpoints({}).map((endpoint) => ({ endpoint, path: `/${endpoint.labels.service}/metrics` })));
    const paths = this.passed.map(({ path }) => path);
    const repeated = paths.find((path, i) => paths.indexOf(path) !== i);
    new PropProblems(this)
      .require(this.passed.every(({ endpoint }) => endpoint.labels.service), "metricsOf", "must be components whose endpoints carry a service label (it names their path)", paths)
      .require(repeated === undefined, "metricsOf", `gives two endpoints the path ${repeated}`, paths)
      .throwIfAny();
    const routes = [
      ...(props.routes ?? []),
      ...this.passed.map(({ endpoint, path }): GatewayRoute => ({ path, method: "GET", upstream: `${endpoint.scheme}://${endpoint.address}${endpoint.metricsPath ?? "/metrics"}` })),
    ];
    new PropProblems(this)
      .range("port", props.port, 1025, 65535)
      .require(props.allowedClients.length > 0, "allowedClients", "must name at least one client", props.allowedClients)
      .require(routes.length > 0, "routes", "must list at least one route (or metricsOf a component)", props.routes ?? [])
      .range("memoryMb", memoryMb, 16, 4096)
      .throwIfAny();

    const config = renderNginxGateway({
      port: props.port,
      healthPort: HEALTH_PORT,
      certFile: `${CONFIG_DIR}/tls/cert.pem`,
      keyFile: `${CONFIG_DIR}/tls/key.pem`,
      clientCaFile: `${CONFIG_DIR}/tls/ca.pem`,
      allowedClients: props.allowedClients,
      routes,
      tempDir: TEMP_DIR,
      resolver: DOCKER_DNS,
    });
    this.service = new DockerService(this, "service", {
      serviceName: props.serviceName,
      servesCertificateOf: props.tlsHost,
      image: props.image ?? IMAGES.nginxUnprivileged,
      network: props.network,
      extraNetworks: props.extraNetworks,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      command: ["nginx", "-c", `${CONFIG_DIR}/nginx.conf`, "-g", "daemon off;"],
      // The Debian-based image has bash; /healthz answers on 127.0.0.1 only, without TLS.
      healthcheck: bashHealthcheck(HEALTH_PORT, "/healthz"),
      ports: publishedPorts(props.publish, props.port),
      readOnlyRootfs: true,
      configDir: CONFIG_DIR,
      tmpfsDirs: [TEMP_DIR],
      files: [
        { containerPath: `${CONFIG_DIR}/nginx.conf`, renderedName: "nginx.conf", content: config },
        { containerPath: `${CONFIG_DIR}/tls/cert.pem`, renderedName: "tls/cert.pem", content: tlsRef(props.tlsHost, "cert") },
        { containerPath: `${CONFIG_DIR}/tls/key.pem`, renderedName: "tls/key.pem", content: tlsRef(props.tlsHost, "key") },
        { containerPath: `${CONFIG_DIR}/tls/ca.pem`, renderedName: "tls/ca.pem", content: tlsRef("ca", "cert") },
      ],
    });
  }

  /** The alerts of the components behind it go where the gateway is scraped. */
  monitoring(labels: Readonly<Record<string, string>>): MixinUse[] {
    return this.behind.flatMap((component) => (isMonitored(component) ? component.monitoring(labels) : []));
  }

  /** The metrics it passes, by client certificate; each target keeps its component's job and labels. */
  metricsEndpoints(reach: ScrapeReach): MetricsEndpoint[] {
    const address = reachAddress(this, reach, this.service.serviceName, this.port, this.publish);
    return this.passed.map(({ endpoint, path }) => ({ ...endpoint, check: "client-certificate", through: { scheme: "https", metricsPath: path, address } }));
  }

  /** The host port it is published at; fails, naming it, when it is not published. */
  get publishedPort(): number {
    return publishedPortOf(this, this.publish, this.port);
  }
}
