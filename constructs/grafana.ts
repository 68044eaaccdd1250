import { Construct } from "constructs";
import { IMAGES } from "../versions";
import { renderGrafanaIni } from "./config/grafana-ini";
import { secretRef } from "./config/terraform-content";
import { HostBinding, HostContext, publishedPorts } from "./common-props";
import { DockerService } from "./docker-service";
import { wgetHealthcheck } from "./healthchecks";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";

export interface GrafanaProps extends HostContext {
  /** URL users open Grafana at. @default - http://<publish address>:<port>/ or http://grafana:3000/ */
  readonly rootUrl?: string;
  /** @default "admin" */
  readonly adminUser?: string;
  /** Sensitive Terraform variable holding the admin password. @default "grafana_admin_password" */
  readonly adminPasswordVariable?: string;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
  /** @default 512 */
  readonly memoryMb?: number;
}

/** Secret files are named after their variable, as on every service. */
const SECRETS_DIR = "/etc/grafana/secrets";

/** Grafana server. Datasources and dashboards are pushed by the `grafana` stack. */
export class Grafana extends Construct {
  public readonly rootUrl: string;
  public readonly adminUser: string;
  public readonly adminPasswordVariable: string;
  public readonly service: DockerService;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const port = props.publish?.port ?? PORTS.grafana;
    this.rootUrl = props.rootUrl ?? (props.publish ? `http://${props.publish.address}:${port}/` : `http://grafana:${PORTS.grafana}/`);
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
      image: IMAGES.grafana,
      network: props.network,
      secrets: props.secrets,
      memoryMb,
      healthcheck: wgetHealthcheck(`http://127.0.0.1:${PORTS.grafana}/api/health`),
      dataVolumes: [{ name: "data", containerPath: "/var/lib/grafana" }],
      ports: publishedPorts(props.publish, PORTS.grafana),
      files: [
        {
          containerPath: "/etc/grafana/grafana.ini",
          renderedName: "grafana.ini",
          content: renderGrafanaIni({ httpPort: PORTS.grafana, adminUser: this.adminUser, adminPasswordFile: passwordFile, rootUrl: this.rootUrl }),
        },
        // Terraform fills the value in on upload; the review copy shows the placeholder.
        { containerPath: passwordFile, renderedName: `secrets/${this.adminPasswordVariable}`, content: secretRef(this.adminPasswordVariable) },
      ],
    });
  }
}
