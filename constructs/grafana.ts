import { Construct } from "constructs";
import { MetricsEndpoint, reachAddress, Scrapeable, ScrapeReach } from "./scrape";
import { IMAGES } from "../versions";
import { renderGrafanaIni } from "./config/grafana-ini";
import { Network } from "@cdktf/provider-docker/lib/network";
import { secretRef, tlsRef } from "./config/terraform-content";
import { HostBinding, HostContext, publishedPortOf, publishedPorts } from "./common-props";
import { DockerService } from "./docker-service";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";

export interface GrafanaProps extends HostContext {
  /** URL users open Grafana at. @default - https://<publish address>:<port>/ or https://grafana:3000/ */
  readonly rootUrl?: string;
  /** Certificate Grafana serves (`${tls.<host>.*}`); cookies are then marked secure. */
  readonly tlsHost: string;
  /** Further networks to join (Loki's internal network, for the Loki datasource). @default [] */
  readonly extraNetworks?: Network[];
  /** @default "admin" */
  readonly adminUser?: string;
  /** Sensitive Terraform variable holding the admin password. @default "grafana_admin_password" */
  readonly adminPasswordVariable?: string;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
  /** @default 512 */
  readonly memoryMb?: number;
  /** The image to run, e.g. from a private registry or mirror (same software, pinned by tag). @default IMAGES.grafana (versions.ts) */
  readonly image?: string;
  /** Host directory of Grafana's database (inventory `hub.storage.grafana`). @default - a named volume */
  readonly dataHostPath?: string;
}

/** Beside the image's /etc/grafana (its provisioning directories stay as shipped). */
const CONFIG_DIR = "/etc/grafana/home-observability";
/** Secret files are named after their variable, as on every service. */
const SECRETS_DIR = `${CONFIG_DIR}/secrets`;

/** Grafana server. Datasources and dashboards are pushed by the `grafana` stack. */
export class Grafana extends Construct implements Scrapeable {
  public readonly rootUrl: string;
  public readonly adminUser: string;
  public readonly adminPasswordVariable: string;
  public readonly service: DockerService;
  private readonly publish?: HostBinding;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const port = props.publish?.port ?? PORTS.grafana;
    this.publish = props.publish;
    this.rootUrl = props.rootUrl ?? (props.publish ? `https://${props.publish.address}:${port}/` : `https://grafana:${PORTS.grafana}/`);
    this.adminUser = props.adminUser ?? "admin";
    this.adminPasswordVariable = props.adminPasswordVariable ?? "grafana_admin_password";
    const memoryMb = props.memoryMb ?? 512;
    const passwordFile = `${SECRETS_DIR}/${this.adminPasswordVariable}`;
    new PropProblems(this)
      .require(/^https?:\/\/[^/\s]+\/?/.test(this.rootUrl), "rootUrl", "must be an http:// or https:// URL", this.rootUrl)
      .require(this.adminUser.length > 0, "adminUser", "must not be empty", this.adminUser)
      .range("memoryMb", memoryMb, 128, 65536)
      .throwIfAny();

    this.service = new DockerService(this, "service", {
      serviceName: "grafana",
      servesCertificateOf: props.tlsHost,
      image: props.image ?? IMAGES.grafana,
      network: props.network,
      extraNetworks: props.extraNetworks,
      // The image's start script reads grafana.ini from here.
      env: [`GF_PATHS_CONFIG=${CONFIG_DIR}/grafana.ini`],
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      // /api/health needs no login. Loopback only, so the certificate is not checked
      // (the private CA is not in the image's trust store).
      healthcheck: ["wget", "-q", "--no-check-certificate", "-O", "/dev/null", `https://127.0.0.1:${PORTS.grafana}/api/health`],
      dataVolumes: [{ name: "data", containerPath: "/var/lib/grafana", hostPath: props.dataHostPath }],
      readOnlyRootfs: true,
      configDir: CONFIG_DIR,
      tmpfsDirs: ["/tmp"],
      ports: publishedPorts(props.publish, PORTS.grafana),
      files: [
        {
          containerPath: `${CONFIG_DIR}/grafana.ini`,
          renderedName: "grafana.ini",
          content: renderGrafanaIni({
            httpPort: PORTS.grafana,
            adminUser: this.adminUser,
            adminPasswordFile: passwordFile,
            rootUrl: this.rootUrl,
            tls: { certFile: `${CONFIG_DIR}/tls/cert.pem`, keyFile: `${CONFIG_DIR}/tls/key.pem` },
          }),
        },
        { containerPath: `${CONFIG_DIR}/tls/cert.pem`, renderedName: "tls/cert.pem", content: tlsRef(props.tlsHost, "cert") },
        { containerPath: `${CONFIG_DIR}/tls/key.pem`, renderedName: "tls/key.pem", content: tlsRef(props.tlsHost, "key") },
        // Terraform fills the value in on upload; the review copy shows the placeholder.
        { containerPath: passwordFile, renderedName: `secrets/${this.adminPasswordVariable}`, content: secretRef(this.adminPasswordVariable) },
      ],
    });
  }

  /** /metrics needs no login; the scraper verifies Grafana's certificate. */
  metricsEndpoints(reach: ScrapeReach): MetricsEndpoint[] {
    const address = reachAddress(this, reach, this.service.serviceName, PORTS.grafana, this.publish);
    return [{ job: "grafana", address, scheme: "https", check: "server-tls", labels: { service: "grafana" } }];
  }

  /** The host port it is published at; fails, naming it, when it is not published. */
  get publishedPort(): number {
    return publishedPortOf(this, this.publish, PORTS.grafana);
  }
}
