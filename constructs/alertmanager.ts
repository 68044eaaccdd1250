import { Construct } from "constructs";
import { MetricsEndpoint, Scrapeable } from "./scrape";
import { MixinUse, Monitored, MonitoringMixin, useMixin } from "./monitoring";
import { alertmanagerRules } from "../alert-rules/alertmanager";
import { alertmanagerPanels } from "../dashboards/panels/alertmanager";
import { IMAGES } from "../versions";
import { AlertmanagerConfig, receiverSecrets, renderAlertmanagerConfig } from "./config/alertmanager-config";
import { secretRef, tlsRef } from "./config/terraform-content";
import { toYaml } from "./config/yaml";
import { alertmanagerConfigProblems } from "./config/alertmanager-config";
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
  /** The image to run, e.g. from a private registry or mirror (same software, pinned by tag). @default IMAGES.alertmanager (versions.ts) */
  readonly image?: string;
  /** Host directory of the silences and notification log (inventory `hub.storage.alertmanager`). @default - a named volume */
  readonly dataHostPath?: string;
  /** Container name (replicas after the first: alertmanager-2, ...). @default "alertmanager" */
  readonly serviceName?: string;
  /**
   * A replica of a gossip cluster. It shares its host's network and binds its web
   * and cluster listeners to `address` only; gossip is mutual TLS with the host's
   * certificate (`access.tlsHost`). @default - a single instance, no cluster listener
   */
  readonly cluster?: AlertmanagerCluster;
}

export interface AlertmanagerCluster {
  /** The host address both listeners bind to (never 0.0.0.0). */
  readonly address: string;
  readonly port: number;
  readonly clusterPort: number;
  /** The other replicas' `address:clusterPort`. */
  readonly peers: readonly string[];
}

const CONFIG_DIR = "/etc/alertmanager";
/** Labels alertmanager_notifications_* with receiver_name (Alertmanager 0.26+). */
export const RECEIVER_NAME_IN_METRICS = "--enable-feature=receiver-name-in-metrics";
const SECRETS_DIR = `${CONFIG_DIR}/secrets`;

/** Alertmanager's alert (notifications failing) and panel. */
export const ALERTMANAGER_MIXIN: MonitoringMixin<void> = { name: "alertmanager", metrics: ["alertmanager_notifications_total", "alertmanager_notifications_failed_total"], rules: (_, s) => [alertmanagerRules(s)], panels: () => alertmanagerPanels() };

/**
 * Alertmanager: routes alerts to receivers; silences survive restarts on its
 * volume. Each receiver secret is its own file, filled in by Terraform from a
 * sensitive variable, and read by Alertmanager through `*_file` settings.
 */
export class Alertmanager extends Construct implements Scrapeable, Monitored {
  public readonly dataRetention: string;
  public readonly service: DockerService;
  /** host:port Prometheus and Loki's ruler reach it at: its name on the stack network, or a replica's bound address. */
  public readonly address: string;
  private readonly tlsHost?: string;

  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    this.dataRetention = props.dataRetention ?? "120h";
    const memoryMb = props.memoryMb ?? 256;
    const problems = new PropProblems(this).duration("dataRetention", this.dataRetention).range("memoryMb", memoryMb, 32, 65536);
    for (const problem of alertmanagerConfigProblems(props.config)) problems.add(`config: ${problem}`);
    problems.throwIfAny();

    const web = webConfigFiles(CONFIG_DIR, props.access);
    this.tlsHost = props.access.tlsHost;
    const serviceName = props.serviceName ?? "alertmanager";
    const cluster = props.cluster;
    if (cluster) {
      new PropProblems(this)
        .require(/^\d{1,3}(?:\.\d{1,3}){3}$/.test(cluster.address) && cluster.address !== "0.0.0.0", "cluster.address", "must be one IPv4 address of the host (never all interfaces)", cluster.address)
        .require(cluster.port !== cluster.clusterPort, "cluster.clusterPort", "must differ from the web port", cluster.clusterPort)
        .require(cluster.peers.length > 0, "cluster.peers", "must name the other replicas", cluster.peers)
        .require(props.access.tlsHost !== undefined, "access.tlsHost", "is needed: gossip between replicas is mutual TLS with the host's certificate", props.access.tlsHost)
        .require(props.publish === undefined, "publish", "is not used by a replica: it binds its address itself", props.publish)
        .throwIfAny();
    }
    this.address = cluster ? `${cluster.address}:${cluster.port}` : `${serviceName}:${PORTS.alertmanager}`;
    const clusterTlsFile = `${CONFIG_DIR}/cluster-tls.yml`;
    const clusterFlags = cluster
      ? [
          `--cluster.listen-address=${cluster.address}:${cluster.clusterPort}`,
          `--cluster.advertise-address=${cluster.address}:${cluster.clusterPort}`,
          ...cluster.peers.map((peer) => `--cluster.peer=${peer}`),
          // Gossip (silences, notification log) over mutual TLS: only holders of a CA-issued certificate join.
          `--cluster.tls-config=${clusterTlsFile}`,
        ]
      : [
          // Single instance: an empty address turns off the gossip listener that
          // would otherwise open on every interface.
          "--cluster.listen-address=",
        ];
    this.service = new DockerService(this, "service", {
      serviceName,
      servesCertificateOf: props.access.tlsHost,
      image: props.image ?? IMAGES.alertmanager,
      network: props.network,
      extraNetworks: cluster ? undefined : props.extraNetworks,
      // A replica binds its host's address itself: no bridge, no published ports.
      networkMode: cluster ? "host" : undefined,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      command: [
        `--config.file=${CONFIG_DIR}/alertmanager.yml`,
        "--storage.path=/alertmanager",
        `--data.retention=${this.dataRetention}`,
        `--web.listen-address=${cluster ? this.address : `:${PORTS.alertmanager}`}`,
        ...clusterFlags,
        // Basic auth on every path: reading alerts, and creating silences.
        web.flag,
        // Notification counters per receiver, not only per integration (pager and heartbeat
        // are both webhooks): `npm run verify` and its fire drill read them.
        RECEIVER_NAME_IN_METRICS,
      ],
      // /-/healthy needs credentials: the check wants the 401 (healthchecks.ts).
      healthcheck: webConfigHealthcheck(props.access.tlsHost, `127.0.0.1:${PORTS.alertmanager}`, "/-/healthy"),
      dataVolumes: [{ name: "data", containerPath: "/alertmanager", hostPath: props.dataHostPath }],
      readOnlyRootfs: true,
      configDir: CONFIG_DIR,
      ports: cluster ? [] : publishedPorts(props.publish, PORTS.alertmanager),
      files: [
        { containerPath: `${CONFIG_DIR}/alertmanager.yml`, renderedName: "alertmanager.yml", content: renderAlertmanagerConfig({ ...props.config, secretsDir: SECRETS_DIR }) },
        ...web.files,
        ...(cluster
          ? [
              { containerPath: clusterTlsFile, renderedName: "cluster-tls.yml", content: renderClusterTlsConfig(CONFIG_DIR) },
              { containerPath: `${CONFIG_DIR}/tls/ca.pem`, renderedName: "tls/ca.pem", content: tlsRef("ca", "cert") },
            ]
          : []),
        ...receiverSecrets(props.config.receivers).map((variable) => ({
          containerPath: `${SECRETS_DIR}/${variable}`,
          renderedName: `secrets/${variable}`,
          content: secretRef(variable),
        })),
      ],
    });
  }

  monitoring(): MixinUse[] {
    return [useMixin(ALERTMANAGER_MIXIN, undefined)];
  }

  /** Every replica where it runs: a silent one would stop sharing silences. */
  metricsEndpoints(): MetricsEndpoint[] {
    return [{ job: "alertmanager", address: this.address, scheme: this.tlsHost ? "https" : "http", check: "basic-auth", labels: { service: "alertmanager" } }];
  }
}

/**
 * `--cluster.tls-config` (Alertmanager 0.24+, docs/https.md "Gossip Traffic"):
 * each replica serves its host's certificate and presents it as a client; both
 * sides require the private CA.
 */
export function renderClusterTlsConfig(configDir: string): string {
  const tls = { cert: `${configDir}/tls/cert.pem`, key: `${configDir}/tls/key.pem`, ca: `${configDir}/tls/ca.pem` };
  return toYaml({
    tls_server_config: { cert_file: tls.cert, key_file: tls.key, client_auth_type: "RequireAndVerifyClientCert", client_ca_file: tls.ca, min_version: "TLS12" },
    tls_client_config: { cert_file: tls.cert, key_file: tls.key, ca_file: tls.ca },
  });

}
