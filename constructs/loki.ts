import { Construct } from "constructs";
import { IMAGES } from "../versions";
import { renderLokiConfig, SINGLE_TENANT } from "./config/loki-config";
import { HostContext } from "./common-props";
import { passwordRef, tlsRef } from "./config/terraform-content";
import { DockerService, ServiceFile } from "./docker-service";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";
import type { RuleFileContent } from "./prometheus";

export interface LokiProps extends HostContext {
  /** Whole days, e.g. "31d". @default "31d" */
  readonly retentionPeriod?: string;
  /** Where the ruler sends log alerts (HTTPS), as host:port on the stack network. */
  readonly alertmanagerAddress: string;
  /** Password identity the ruler authenticates to Alertmanager with. */
  readonly alertmanagerUser: string;
  /** @default 1024 */
  readonly memoryMb?: number;
}

const CONFIG_DIR = "/etc/loki";
const RULES_DIR = `${CONFIG_DIR}/rules`;

/**
 * Loki single binary on filesystem storage, with compactor retention and a
 * ruler. Loki has no authentication of its own: it publishes no port and joins
 * only the network it is given (the hub's internal one); edges reach it through
 * the TLS gateway.
 */
export class Loki extends Construct {
  public readonly retentionPeriod: string;
  public readonly service: DockerService;
  /** Push/query URL on the stack network. */
  public readonly url = `http://loki:${PORTS.loki}`;
  private readonly ruleFiles = new Map<string, RuleFileContent>();

  constructor(scope: Construct, id: string, props: LokiProps) {
    super(scope, id);
    this.retentionPeriod = props.retentionPeriod ?? "31d";
    const memoryMb = props.memoryMb ?? 1024;
    new PropProblems(this)
      .require(/^(?:\d+[dw])+$/.test(this.retentionPeriod), "retentionPeriod", "must be whole days or weeks (Loki's index period is 24h)", this.retentionPeriod)
      .range("memoryMb", memoryMb, 128, 1048576)
      .throwIfAny();

    const config = renderLokiConfig({
      httpPort: PORTS.loki,
      retentionPeriod: this.retentionPeriod,
      alertmanagerUrl: `https://${props.alertmanagerAddress}`,
      alertmanagerClient: { username: props.alertmanagerUser, password: passwordRef(props.alertmanagerUser), caFile: `${CONFIG_DIR}/tls/ca.pem` },
      dataDir: "/loki",
      rulesDir: RULES_DIR,
    });
    this.service = new DockerService(this, "service", {
      serviceName: "loki",
      image: IMAGES.loki,
      network: props.network,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      command: [`-config.file=${CONFIG_DIR}/loki.yaml`],
      // Distroless (no shell, no HTTP client): the binary checks itself (`-health`,
      // grafana/loki#20313, in 3.7), GET /ready on loopback.
      healthcheck: ["/usr/bin/loki", "-health", `-health.url=http://127.0.0.1:${PORTS.loki}/ready`],
      dataVolumes: [{ name: "data", containerPath: "/loki" }],
      readOnlyRootfs: true,
      configDir: CONFIG_DIR,
      tmpfsDirs: ["/tmp"],
      stopTimeoutSeconds: 60,
      files: (): ServiceFile[] => [
        // 0440 would hide the ruler's password from other users, but uploads are
        // owned by root and Loki runs as uid 10001: the container is the boundary.
        { containerPath: `${CONFIG_DIR}/loki.yaml`, renderedName: "loki.yaml", content: config },
        { containerPath: `${CONFIG_DIR}/tls/ca.pem`, renderedName: "tls/ca.pem", content: tlsRef("ca", "cert") },
        ...[...this.ruleFiles.values()]
          .sort((a, b) => a.fileName.localeCompare(b.fileName))
          .map((f) => ({ containerPath: `${RULES_DIR}/${SINGLE_TENANT}/${f.fileName}`, renderedName: `rules/${SINGLE_TENANT}/${f.fileName}`, content: f.content })),
      ],
    });
  }

  /** Adds a ruler rule file (LogQL alerts); file names are unique. */
  addRuleFile(file: RuleFileContent): void {
    if (this.ruleFiles.has(file.fileName)) throw new Error(`${this.node.path}: duplicate rule file ${JSON.stringify(file.fileName)}`);
    this.ruleFiles.set(file.fileName, file);
  }
}
