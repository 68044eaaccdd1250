import { Construct } from "constructs";
import { IMAGES } from "../versions";
import { AlertmanagerConfig, receiverSecrets, renderAlertmanagerConfig } from "./config/alertmanager-config";
import { secretRef } from "./config/terraform-content";
import { Network } from "@cdktf/provider-docker/lib/network";
import { HostBinding, HostContext, publishedPorts, WebAccess } from "./common-props";
import { DockerService } from "./docker-service";
import { PORTS } from "./ports";
import { webConfigFiles } from "./web-access";
import { PropProblems } from "./validation";
import { webConfigHealthcheck } from "./healthchecks";

export interface AlertmanagerProps extends HostContext {
  /** Receivers, routes, inhibitions and maintenance windows (secrets directory is set here). */
  readonly config: Omit<AlertmanagerConfig, "secretsDir">;
  /** How long silences and notification logs are kept. @default "120h" */
  readonly dataRetention?: string;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
  /** Who may call Alertmanager (silences included) and the certificate it serves. */
  readonly access: WebAccess;
  /** Further networks to join (Loki's internal network, for its ruler). @default [] */
  readonly extraNetworks?: Network[];
  /** @default 256 */
  readonly memoryMb?: number;
}

const CONFIG_DIR = "/etc/alertmanager";
const SECRETS_DIR = `${CONFIG_DIR}/secrets`;

/**
 * Alertmanager: routes alerts to receivers; silences survive restarts on its
 * volume. Each receiver secret is its own file, filled in by Terraform from a
 * sensitive variable, and read by Alertmanager through `*_file` settings.
 */
export class Alertmanager extends Construct {
  public readonly dataRetention: string;
  public readonly service: DockerService;
  /** host:port on the stack network, for Prometheus and Loki's ruler. */
  public readonly address = `alertmanager:${PORTS.alertmanager}`;

  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    this.dataRetention = props.dataRetention ?? "120h";
    const memoryMb = props.memoryMb ?? 256;
    new PropProblems(this).duration("dataRetention", this.dataRetention).range("memoryMb", memoryMb, 32, 65536).throwIfAny();

    const web = webConfigFiles(CONFIG_DIR, props.access);
    this.service = new DockerService(this, "service", {
      serviceName: "alertmanager",
      image: IMAGES.alertmanager,
      network: props.network,
      extraNetworks: props.extraNetworks,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      command: [
        `--config.file=${CONFIG_DIR}/alertmanager.yml`,
        "--storage.path=/alertmanager",
        `--data.retention=${this.dataRetention}`,
        `--web.listen-address=:${PORTS.alertmanager}`,
        // Single instance: an empty address turns off the gossip listener that
        // would otherwise open on every interface.
        "--cluster.listen-address=",
        // Basic auth on every path: reading alerts, and creating silences.
        web.flag,
      ],
      // /-/healthy needs credentials: the check wants the 401 (healthchecks.ts).
      healthcheck: webConfigHealthcheck(props.access.tlsHost, `127.0.0.1:${PORTS.alertmanager}`, "/-/healthy"),
      dataVolumes: [{ name: "data", containerPath: "/alertmanager" }],
      readOnlyRootfs: true,
      configDir: CONFIG_DIR,
      ports: publishedPorts(props.publish, PORTS.alertmanager),
      files: [
        { containerPath: `${CONFIG_DIR}/alertmanager.yml`, renderedName: "alertmanager.yml", content: renderAlertmanagerConfig({ ...props.config, secretsDir: SECRETS_DIR }) },
        ...web.files,
        ...receiverSecrets(props.config.receivers).map((variable) => ({
          containerPath: `${SECRETS_DIR}/${variable}`,
          renderedName: `secrets/${variable}`,
          content: secretRef(variable),
        })),
      ],
    });
  }
}
