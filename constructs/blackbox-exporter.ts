import { Construct } from "constructs";
import { IMAGES } from "../versions";
import { CameraProbe, CERTIFICATE_MODULE, probeOf, renderBlackboxConfig } from "./config/blackbox-config";
import { HostBinding, HostContext, publishedPorts, WebAccess } from "./common-props";
import { DockerService } from "./docker-service";
import { PORTS } from "./ports";
import { PropProblems } from "./validation";
import { webConfigHealthcheck } from "./healthchecks";
import { clientFiles, webConfigFiles } from "./web-access";
import { MetricsEndpoint, reachAddress, Scrapeable, ScrapeReach } from "./scrape";
import { MixinUse, Monitored, MonitoringMixin, useMixin } from "./monitoring";
import { certificateRules } from "../alert-rules/blackbox-exporter";
import { CameraProbeTiming, cameraRuleProblems, cameraRules } from "../alert-rules/cameras";
import { cameraProbePanels } from "../dashboards/panels/blackbox-exporter";

const CONFIG_DIR = "/etc/blackbox_exporter";

/** Job of the certificate probes: each host's blackbox_exporter checks the certificate it serves itself. */
export const CERTIFICATE_PROBE_JOB = "certificate-probe";

export interface BlackboxExporterProps extends HostContext {
  /**
   * A dark camera's failed probe lands this late, so it is part of the camera-offline
   * latency: the camera rules' window follows from it (docs/alert-latency.md). @default 5
   */
  readonly probeTimeoutSeconds?: number;
  /** Seconds between a camera's probes: part of the camera-offline notification budget (docs/alert-latency.md). @default 15 */
  readonly probeIntervalSeconds?: number;
  /** @default - not published on the host */
  readonly publish?: HostBinding;
  /** Who may probe through it (and read its metrics), and the certificate it serves. */
  readonly access: WebAccess;
  /** @default 64 */
  readonly memoryMb?: number;
  /** The image to run, e.g. from a private registry or mirror (same software, pinned by tag). @default IMAGES.blackboxExporter (versions.ts) */
  readonly image?: string;
  /**
   * The cameras to probe, one scrape target each (ICMP needs NET_RAW). Given,
   * even empty, the camera modules are loaded. @default - no cameras: it only checks its own certificate (the hub's)
   */
  readonly cameras?: readonly CameraProbe[];
}

/** What one exporter adds to its kind's alerts: how many cameras it probes, and how. */
interface BlackboxFacts {
  readonly cameras: number;
  readonly probe: CameraProbeTiming;
}

/** The slowest probing among the exporters that probe cameras: the camera rules' window must hold every camera's last two probes. */
function cameraProbing(facts: readonly BlackboxFacts[]): CameraProbeTiming | undefined {
  const probing = facts.filter((f) => f.cameras > 0);
  if (probing.length === 0) return undefined;
  return { intervalSeconds: Math.max(...probing.map((f) => f.probe.intervalSeconds)), timeoutSeconds: Math.max(...probing.map((f) => f.probe.timeoutSeconds)) };
}

/** Certificate alerts of every host; camera alerts and panels where cameras are probed. */
export const BLACKBOX_EXPORTER_MIXIN: MonitoringMixin<BlackboxFacts> = {
  name: "blackbox-exporter",
  metrics: ["probe_success", "probe_duration_seconds"],
  rules: (facts, s) => {
    const probing = cameraProbing(facts);
    return [certificateRules(s), ...(probing ? [cameraRules(s, probing)] : [])];
  },
  problems: (facts, s) => {
    const probing = cameraProbing(facts);
    return probing ? cameraRuleProblems(s, probing) : [];
  },
  panels: (facts, s) => (cameraProbing(facts) ? cameraProbePanels(s) : []),
};

/**
 * blackbox_exporter probing the node's cameras (ICMP, TCP, HTTP modules) and,
 * when it serves TLS, its own certificate: every service of a host serves the
 * same one, so the probe tells when the host's certificate nears its expiry.
 */
export class BlackboxExporter extends Construct implements Scrapeable, Monitored {
  public readonly probeTimeoutSeconds: number;
  public readonly probeIntervalSeconds: number;
  public readonly service: DockerService;
  public readonly cameras: readonly CameraProbe[];
  private readonly tlsHost?: string;
  private readonly publish?: HostBinding;

  constructor(scope: Construct, id: string, props: BlackboxExporterProps) {
    super(scope, id);
    this.probeTimeoutSeconds = props.probeTimeoutSeconds ?? 5;
    this.probeIntervalSeconds = props.probeIntervalSeconds ?? 15;
    this.cameras = props.cameras ?? [];
    this.tlsHost = props.access.tlsHost;
    this.publish = props.publish;
    const memoryMb = props.memoryMb ?? 64;
    new PropProblems(this)
      .range("probeTimeoutSeconds", this.probeTimeoutSeconds, 1, 60)
      .range("probeIntervalSeconds", this.probeIntervalSeconds, 1, 3600)
      .require(this.probeTimeoutSeconds < this.probeIntervalSeconds, "probeTimeoutSeconds", `must be below probeIntervalSeconds (${this.probeIntervalSeconds})`, this.probeTimeoutSeconds)
      .range("memoryMb", memoryMb, 16, 4096)
      .throwIfAny();

    const web = webConfigFiles(CONFIG_DIR, props.access);
    const cameras = props.cameras !== undefined;
    const trust = props.access.tlsHost ? clientFiles(CONFIG_DIR, {}) : undefined;
    const config = renderBlackboxConfig({ timeoutSeconds: this.probeTimeoutSeconds, cameraModules: cameras, caFile: trust?.client.tls?.caFile });
    this.service = new DockerService(this, "service", {
      serviceName: "blackbox-exporter",
      servesCertificateOf: props.access.tlsHost,
      image: props.image ?? IMAGES.blackboxExporter,
      network: props.network,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      command: [`--config.file=${CONFIG_DIR}/blackbox.yml`, `--web.listen-address=:${PORTS.blackboxExporter}`, web.flag],
      // /-/healthy needs credentials: the check wants the 401 (healthchecks.ts).
      healthcheck: webConfigHealthcheck(props.access.tlsHost, `127.0.0.1:${PORTS.blackboxExporter}`, "/-/healthy"),
      ports: publishedPorts(props.publish, PORTS.blackboxExporter),
      // ICMP probes open raw sockets; nothing else is kept.
      capabilities: cameras ? ["NET_RAW"] : [],
      readOnlyRootfs: true,
      configDir: CONFIG_DIR,
      files: [{ containerPath: `${CONFIG_DIR}/blackbox.yml`, renderedName: "blackbox.yml", content: config }, ...web.files, ...(trust?.files ?? [])],
    });
  }

  monitoring(): MixinUse[] {
    return [useMixin(BLACKBOX_EXPORTER_MIXIN, { cameras: this.cameras.length, probe: { intervalSeconds: this.probeIntervalSeconds, timeoutSeconds: this.probeTimeoutSeconds } })];
  }

  /**
   * Its own metrics; one /probe target per camera (the camera is the instance);
   * and, when it serves TLS, a probe of its own certificate: it dials its TLS
   * port on 127.0.0.1 and verifies the chain against the CA.
   */
  metricsEndpoints(reach: ScrapeReach): MetricsEndpoint[] {
    const address = reachAddress(this, reach, this.service.serviceName, PORTS.blackboxExporter, this.publish);
    const scheme = this.tlsHost ? "https" : "http";
    const own = { address, scheme, check: "basic-auth" } as const;
    return [
      { ...own, job: "blackbox-exporter", labels: { service: "blackbox-exporter" } },
      ...this.cameras.map((camera): MetricsEndpoint => {
        const probe = probeOf(camera);
        return {
          ...own,
          job: "camera-probe",
          metricsPath: "/probe",
          // __param_* become the /probe query; they are dropped after relabelling.
          labels: { camera: camera.name, service: "camera-probe", __param_target: probe.target, __param_module: probe.module },
          jobSettings: { scrapeIntervalSeconds: this.probeIntervalSeconds, targetRelabels: [{ sourceLabel: "__param_target", targetLabel: "instance" }] },
        };
      }),
      ...(this.tlsHost
        ? [{ ...own, job: CERTIFICATE_PROBE_JOB, metricsPath: "/probe", labels: { service: "certificate", __param_target: `127.0.0.1:${PORTS.blackboxExporter}`, __param_module: CERTIFICATE_MODULE } }]
        : []),
    ];
  }
}
