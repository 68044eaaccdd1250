import { Construct } from "constructs";
import { IMAGES } from "../versions";
import { AlertmanagerConfig, receiverSecrets, renderAlertmanagerConfig } from "./config/alertmanager-config";
import { secretRef } from "./config/terraform-content";
import { HostBinding, HostContext, publishedPorts } from "./common-props";
import { DockerService } from "./docker-service";
import { wgetHealthcheck } from "./healthchecks";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";

export interface AlertmanagerProps extends HostContext {
  /** Receivers, routes, inhibitions and maintenance windows (secrets directory is set here). */
  readonly config: Omit<AlertmanagerConfig, "secretsDir">;
  /** How long silences and notification logs are kept. @default "120h" */
  readonly dataRetention?: string;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
  /** @default 256 */
  readonly memoryMb?: number;
}

const SECRETS_DIR = "/etc/alertmanager/secrets";

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

    this.service = new DockerService(this, "service", {
      serviceName: "alertmanager",
      image: IMAGES.alertmanager,
      network: props.network,
      secrets: props.secrets,
      memoryMb,
      command: [
        "--config.file=/etc/alertmanager/alertmanager.yml",
        "--storage.path=/alertmanager",
        `--data.retention=${this.dataRetention}`,
        `--web.listen-address=:${PORTS.alertmanager}`,
        // Single instance: an empty address turns off the gossip listener that
        // would otherwise open on every interface.
        "--cluster.listen-address=",
      ],
      healthcheck: wgetHealthcheck(`http://127.0.0.1:${PORTS.alertmanager}/-/healthy`),
      dataVolumes: [{ name: "data", containerPath: "/alertmanager" }],
      ports: publishedPorts(props.publish, PORTS.alertmanager),
      files: [
        { containerPath: "/etc/alertmanager/alertmanager.yml", renderedName: "alertmanager.yml", content: renderAlertmanagerConfig({ ...props.config, secretsDir: SECRETS_DIR }) },
        ...receiverSecrets(props.config.receivers).map((variable) => ({
          containerPath: `${SECRETS_DIR}/${variable}`,
          renderedName: `secrets/${variable}`,
          content: secretRef(variable),
        })),
      ],
    });
  }
}
