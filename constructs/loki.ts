import { Network } from "@cdktf/provider-docker/lib/network";
import { Construct } from "constructs";
import { MetricsEndpoint, Scrapeable } from "./scrape";
import { MixinUse, Monitored, MonitoringMixin, useMixin } from "./monitoring";
import { lokiRules } from "../alert-rules/loki";
import { LogRuleFile, logAlertRules } from "../alert-rules/log-alerts";
import { AlertSettings, resolveAlertSettings } from "../alert-rules/settings";
import { renderRuleGroups } from "./config/rule-files";
import { lokiPanels } from "../dashboards/panels/loki";
import { IMAGES } from "../versions";
import { LokiS3Storage, renderLokiConfig, SINGLE_TENANT } from "./config/loki-config";
import { HostContext } from "./common-props";
import { passwordRef, secretRef, tlsRef } from "./config/terraform-content";
import { DockerService, ServiceFile } from "./docker-service";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";
import type { RuleFileContent } from "./prometheus";

/** An S3-compatible bucket for chunks and index; secrets by sensitive variable name. */
export interface LokiObjectStorage {
  /** http(s)://host[:port]; http turns TLS off. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyIdVariable: string;
  readonly secretAccessKeyVariable: string;
  readonly pathStyle: boolean;
  /** Variable holding the PEM of the endpoint's CA. @default - the system's */
  readonly caVariable?: string;
}

export interface LokiProps extends HostContext {
  /** Whole days, e.g. "31d". @default "31d" */
  readonly retentionPeriod?: string;
  /** Where the ruler sends log alerts (HTTPS), as host:port: every Alertmanager replica. */
  readonly alertmanagerAddresses: readonly string[];
  /** Password identity the ruler authenticates to Alertmanager with. */
  readonly alertmanagerUser: string;
  /** @default - chunks and index on the data volume */
  readonly objectStorage?: LokiObjectStorage;
  /** "scalable": write, read and backend targets in containers of their own (needs objectStorage). @default "single" */
  readonly mode?: "single" | "scalable";
  /** Further networks to join (a route out, for the bucket or Alertmanager replicas on host addresses). @default [] */
  readonly extraNetworks?: Network[];
  /** Per container. @default 1024 */
  readonly memoryMb?: number;
  /** The image to run, e.g. from a private registry or mirror (same software, pinned by tag). @default IMAGES.loki (versions.ts) */
  readonly image?: string;
  /** Host directory of chunks, index and compactor state (inventory `hub.storage.loki`). @default - a named volume */
  readonly dataHostPath?: string;
  /** Thresholds and windows of the log alerts its ruler evaluates (the inventory's `alerting.settings`). @default - every setting's default */
  readonly alertSettings?: AlertSettings;
  /** Where RUNBOOK.md is published: every alert's `runbook_url` links to its section there. @default "RUNBOOK.md" */
  readonly runbookUrl?: string;
}

const CONFIG_DIR = "/etc/loki";
const RULES_DIR = `${CONFIG_DIR}/rules`;
const SECRETS_DIR = `${CONFIG_DIR}/secrets`;
const MEMBERLIST_PORT = 7946;

/** The targets of simple scalable mode, as Loki's -target names them. */
export const SCALABLE_TARGETS = ["write", "read", "backend"] as const;
export type LokiTarget = (typeof SCALABLE_TARGETS)[number] | "all";

/** Loki's alert as Prometheus sees it (lines discarded) and its panels. */
export const LOKI_MIXIN: MonitoringMixin<void> = { name: "loki", metrics: ["loki_discarded_samples_total"], rules: (_, s) => [lokiRules(s)], panels: () => lokiPanels() };

/**
 * Loki with compactor retention and a ruler: a single binary on filesystem or
 * object storage, or (scalable) write, read and backend targets in containers of
 * their own sharing a bucket. Loki has no authentication of its own: it
 * publishes no port and joins only the networks it is given (the hub's internal
 * one, and a route out when it needs one); edges reach it through the TLS gateway.
 */
export class Loki extends Construct implements Scrapeable, Monitored {
  public readonly retentionPeriod: string;
  /** Every Loki container: one, or write, read and backend. */
  public readonly services: readonly DockerService[];
  /** The single container, or the backend (ruler, compactor). */
  public readonly service: DockerService;
  /** Query URL on the stack network (the read target in scalable mode). */
  public readonly url: string;
  /** Push URL base on the stack network (the write target in scalable mode). */
  public readonly pushUrl: string;
  /** Port of its HTTP API, in every container. */
  public readonly port: number = PORTS.loki;
  /** Containers by target, for scrape jobs: `{ target, serviceName }`. */
  public readonly targets: readonly { readonly target: LokiTarget; readonly serviceName: string }[];
  private readonly ruleFiles = new Map<string, RuleFileContent>();
  private readonly logRules: LogRuleFile[] = [];

  constructor(scope: Construct, id: string, props: LokiProps) {
    super(scope, id);
    this.retentionPeriod = props.retentionPeriod ?? "31d";
    const memoryMb = props.memoryMb ?? 1024;
    const mode = props.mode ?? "single";
    new PropProblems(this)
      .require(/^(?:\d+[dw])+$/.test(this.retentionPeriod), "retentionPeriod", "must be whole days or weeks (Loki's index period is 24h)", this.retentionPeriod)
      .range("memoryMb", memoryMb, 128, 1048576)
      .require(mode === "single" || props.objectStorage !== undefined, "mode", "scalable needs objectStorage: the targets share the bucket", mode)
      .require(props.alertmanagerAddresses.length > 0, "alertmanagerAddresses", "must name at least one Alertmanager", props.alertmanagerAddresses)
      .throwIfAny();

    this.targets = mode === "scalable" ? SCALABLE_TARGETS.map((target) => ({ target, serviceName: `loki-${target}` })) : [{ target: "all", serviceName: "loki" }];
    const nameOf = (target: LokiTarget) => this.targets.find((t) => t.target === target)?.serviceName ?? "loki";
    this.url = `http://${nameOf("read")}:${PORTS.loki}`;
    this.pushUrl = `http://${nameOf("write")}:${PORTS.loki}`;
    // Its own log alerts (critical lines), as its ruler evaluates them.
    const ownRules = logAlertRules(resolveAlertSettings(props.alertSettings));
    this.logRules.push(ownRules);
    this.ruleFiles.set(ownRules.fileName, { fileName: ownRules.fileName, content: renderRuleGroups(ownRules.groups, props.runbookUrl ?? "RUNBOOK.md") });

    const s3 = props.objectStorage;
    const secretFile = (variable: string) => `${SECRETS_DIR}/${variable}`;
    const storage: LokiS3Storage | undefined = s3
      ? {
          endpoint: new URL(s3.endpoint).host,
          insecure: new URL(s3.endpoint).protocol === "http:",
          bucket: s3.bucket,
          region: s3.region,
          // Loki reads S3 keys from its config only; the file lives on the read-only config volume.
          accessKeyId: secretRef(s3.accessKeyIdVariable),
          secretAccessKey: secretRef(s3.secretAccessKeyVariable),
          pathStyle: s3.pathStyle,
          caFile: s3.caVariable ? secretFile(s3.caVariable) : undefined,
        }
      : undefined;
    const config = renderLokiConfig({
      httpPort: PORTS.loki,
      retentionPeriod: this.retentionPeriod,
      // The ruler sends every alert to each URL: every replica of the cluster.
      alertmanagerUrl: props.alertmanagerAddresses.map((address) => `https://${address}`).join(","),
      alertmanagerClient: { username: props.alertmanagerUser, password: passwordRef(props.alertmanagerUser), caFile: `${CONFIG_DIR}/tls/ca.pem` },
      dataDir: "/loki",
      rulesDir: RULES_DIR,
      objectStorage: storage,
      scalable:
        mode === "scalable"
          ? { joinMembers: this.targets.map((t) => `${t.serviceName}:${MEMBERLIST_PORT}`), compactorAddress: `http://${nameOf("backend")}:${PORTS.loki}`, memberlistPort: MEMBERLIST_PORT }
          : undefined,
    });

    this.services = this.targets.map(
      ({ target, serviceName }) =>
        new DockerService(this, target === "all" ? "service" : target, {
          serviceName,
          image: props.image ?? IMAGES.loki,
          network: props.network,
          extraNetworks: props.extraNetworks,
          secrets: props.secrets,
          credentials: props.credentials,
          memoryMb,
          command: [`-config.file=${CONFIG_DIR}/loki.yaml`, ...(target === "all" ? [] : [`-target=${target}`])],
          // Distroless (no shell, no HTTP client): the binary checks itself (`-health`,
          // grafana/loki#20313, in 3.7), GET /ready on loopback.
          healthcheck: ["/usr/bin/loki", "-health", `-health.url=http://127.0.0.1:${PORTS.loki}/ready`],
          // A host directory holds the single binary's data; the scalable targets keep theirs in the bucket.
          dataVolumes: [{ name: "data", containerPath: "/loki", hostPath: target === "all" ? props.dataHostPath : undefined }],
          readOnlyRootfs: true,
          configDir: CONFIG_DIR,
          tmpfsDirs: ["/tmp"],
          stopTimeoutSeconds: 60,
          files: (): ServiceFile[] => [
            // 0440 would hide the ruler's password (and S3 keys) from other users, but uploads are
            // owned by root and Loki runs as uid 10001: the container is the boundary.
            { containerPath: `${CONFIG_DIR}/loki.yaml`, renderedName: "loki.yaml", content: config },
            { containerPath: `${CONFIG_DIR}/tls/ca.pem`, renderedName: "tls/ca.pem", content: tlsRef("ca", "cert") },
            ...(s3?.caVariable ? [{ containerPath: secretFile(s3.caVariable), renderedName: `secrets/${s3.caVariable}`, content: secretRef(s3.caVariable) }] : []),
            // The ruler runs in the single binary, or in the backend target.
            ...(target === "all" || target === "backend"
              ? [...this.ruleFiles.values()]
                  .sort((a, b) => a.fileName.localeCompare(b.fileName))
                  .map((f) => ({ containerPath: `${RULES_DIR}/${SINGLE_TENANT}/${f.fileName}`, renderedName: `rules/${SINGLE_TENANT}/${f.fileName}`, content: f.content }))
              : []),
          ],
        }),
    );
    this.service = this.services[this.services.length - 1];
  }

  /** Adds a ruler rule file (LogQL alerts); file names are unique. */
  addRuleFile(file: RuleFileContent): void {
    if (this.ruleFiles.has(file.fileName)) throw new Error(`${this.node.path}: duplicate rule file ${JSON.stringify(file.fileName)}`);
    this.ruleFiles.set(file.fileName, file);
  }

  monitoring(): MixinUse[] {
    return [useMixin(LOKI_MIXIN, undefined)];
  }

  /** The ruler's own rule files (LogQL), for RUNBOOK.md and the grammar tests. */
  logRuleFiles(): LogRuleFile[] {
    return [...this.logRules];
  }

  /** Every container (each target's, in scalable mode), on Loki's internal network only. */
  metricsEndpoints(): MetricsEndpoint[] {
    return this.targets.map(({ serviceName }) => ({ job: "loki", address: `${serviceName}:${PORTS.loki}`, scheme: "http", check: "none", labels: { service: serviceName } }));
  }
}
