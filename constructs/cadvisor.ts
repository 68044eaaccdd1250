// cAdvisor: per-container CPU and memory of every container on a Docker host
// (dockprom's container metrics), with its alerts (a container that keeps
// restarting, one near its memory limit) and its panels, in one place.
import { Construct } from "constructs";
import type { ResolvedAlertSettings } from "../alert-rules/settings";
import { RuleFile, seriesOf } from "../alert-rules/types";
import type { DashboardPanels } from "../dashboards/frames";
import { STACK_HEALTH_UID } from "../dashboards/frames";
import { promQuery, timeseries } from "../dashboards/common";
import { IMAGES } from "../versions";
import { HostBinding, HostContext, publishedPorts } from "./common-props";
import { DockerService } from "./docker-service";
import { PORTS } from "./ports";
import { wgetHealthcheck } from "./healthchecks";
import { MixinUse, Monitored, MonitoringMixin, useMixin } from "./monitoring";
import { MetricsEndpoint, reachAddress, Scrapeable, ScrapeReach } from "./scrape";
import { PropProblems } from "./validation";

export interface CAdvisorProps extends HostContext {
  /** @default - not published on the host (the stack network, or a TLS gateway in front) */
  readonly publish?: HostBinding;
  /** Seconds between its looks at each container; the scrape interval (30 s) needs no finer. @default 30 */
  readonly housekeepingIntervalSeconds?: number;
  /** @default 256 */
  readonly memoryMb?: number;
  /** The image to run, e.g. from a private registry or mirror (same software, pinned by tag). @default IMAGES.cadvisor (versions.ts) */
  readonly image?: string;
}

/** Docker containers only (`name` set): not the host's other cgroups. */
const CONTAINERS = 'name!=""';

/** The alerts of every host's containers, from the deployment's settings. */
export function cadvisorRules(s: ResolvedAlertSettings): RuleFile {
  const loki = { job: "cadvisor", instance: "cadvisor:8080", service: "cadvisor", site: "hub", node: "hub", name: "loki", id: "/docker/1f2e", image: IMAGES.loki };
  const byContainer = { site: "hub", node: "hub", name: "loki" };
  return {
    fileName: "cadvisor.yml",
    groups: [
      {
        name: "cadvisor",
        rules: [
          {
            alert: "ContainerRestarting",
            // A restart gives the container a new start time.
            expr: `max by (site, node, name) (changes(container_start_time_seconds{${CONTAINERS}}[${s.containerRestartWindow}])) >= ${s.containerRestarts}`,
            severity: "warning",
            summary: "Container {{ $labels.name }} on {{ $labels.node }} ({{ $labels.site }}) keeps restarting",
            description: `Container {{ $labels.name }} restarted ${s.containerRestarts} times or more within ${s.containerRestartWindow}: it crashes, fails its healthcheck or runs out of memory.`,
            runbook: {
              symptom: "A service comes and goes: gaps in its metrics or logs, a target that flaps between up and down.",
              checks: ["`docker ps -a` and `docker inspect <name> --format '{{.State.ExitCode}} {{.State.OOMKilled}}'` on the host.", "`docker logs --tail 100 <name>`: the last lines before each exit."],
              remediation: ["Fix what the log names (a config the service rejects, a full disk, an unreachable dependency), then redeploy the stack.", "If it was killed for memory (OOMKilled true), see ContainerNearMemoryLimit."],
            },
          },
          {
            alert: "ContainerNearMemoryLimit",
            // Every container here has a limit; one without (0) is left out.
            expr: `max by (site, node, name) (container_memory_working_set_bytes{${CONTAINERS}} / (container_spec_memory_limit_bytes{${CONTAINERS}} > 0)) > ${s.containerMemoryRatio}`,
            for: "15m",
            severity: "warning",
            summary: "Container {{ $labels.name }} on {{ $labels.node }} ({{ $labels.site }}) is near its memory limit",
            description: `Container {{ $labels.name }} has used more than ${s.containerMemoryRatio * 100}% of its memory limit for 15 minutes; at the limit the kernel kills it.`,
            runbook: {
              symptom: "Nothing yet; at the limit the container is killed (OOMKilled) and restarts.",
              checks: ["Stack health → Containers: is its memory rising steadily (a leak, growing data) or at a plateau?", "For Prometheus or Loki: did the number of series or log streams grow (a new site, a label with many values)?"],
              remediation: ["Raise the component's `memoryMb` (and the host's memory if it is short), then redeploy.", "Or reduce what it holds: retention, scrape targets, label values."],
            },
          },
        ],
      },
    ],
    tests: [
      {
        name: "a container that restarts three times within the window alerts; a steady one does not",
        intervalSeconds: 60,
        inputSeries: [
          { series: seriesOf("container_start_time_seconds", loki), values: "100 100 100 400 400 700 700 1000 1000 1000" },
          { series: seriesOf("container_start_time_seconds", { ...loki, name: "grafana", id: "/docker/9a8b" }), values: "100x9" },
        ],
        expect: [
          { evalTime: "4m", alertname: "ContainerRestarting", alerts: [] },
          { evalTime: "8m", alertname: "ContainerRestarting", alerts: [byContainer] },
        ],
      },
      {
        name: "a container above the ratio of its limit alerts after 15m; one below, or without a limit, does not",
        intervalSeconds: 60,
        inputSeries: [
          { series: seriesOf("container_memory_working_set_bytes", loki), values: "95x30" },
          { series: seriesOf("container_spec_memory_limit_bytes", loki), values: "100x30" },
          { series: seriesOf("container_memory_working_set_bytes", { ...loki, name: "grafana", id: "/docker/9a8b" }), values: "50x30" },
          { series: seriesOf("container_spec_memory_limit_bytes", { ...loki, name: "grafana", id: "/docker/9a8b" }), values: "100x30" },
          { series: seriesOf("container_memory_working_set_bytes", { ...loki, name: "unlimited", id: "/docker/7c6d" }), values: "100x30" },
          { series: seriesOf("container_spec_memory_limit_bytes", { ...loki, name: "unlimited", id: "/docker/7c6d" }), values: "0x30" },
        ],
        expect: [
          { evalTime: "10m", alertname: "ContainerNearMemoryLimit", alerts: [] },
          { evalTime: "20m", alertname: "ContainerNearMemoryLimit", alerts: [byContainer] },
        ],
      },
    ],
  };
}

/** The Containers row of Stack health: what the alerts watch, per container. */
export function cadvisorPanels(): DashboardPanels[] {
  const sel = `${CONTAINERS}, site=~"$site"`;
  return [
    {
      dashboard: STACK_HEALTH_UID,
      row: "Containers",
      panels: [
        timeseries(
          { title: "Container memory against its limit", description: "Working set of each container as a fraction of its memory limit; at 1 the kernel kills it.", unit: "percentunit" },
          promQuery(`max by (site, node, name) (container_memory_working_set_bytes{${sel}} / (container_spec_memory_limit_bytes{${sel}} > 0))`, "{{site}} / {{node}} {{name}}"),
        ),
        timeseries(
          { title: "Container restarts", description: "Restarts of each container in the last hour (changes of its start time).", unit: "short" },
          promQuery(`max by (site, node, name) (changes(container_start_time_seconds{${sel}}[1h]))`, "{{site}} / {{node}} {{name}}"),
        ),
      ],
    },
  ];
}

export const CADVISOR_MIXIN: MonitoringMixin<void> = {
  name: "cadvisor",
  metrics: ["container_memory_working_set_bytes", "container_spec_memory_limit_bytes", "container_start_time_seconds"],
  rules: (_, s) => [cadvisorRules(s)],
  panels: () => cadvisorPanels(),
};

/**
 * cAdvisor watching the host's Docker containers, as its documentation runs it
 * (read-only views of the host's root, /sys, /var/run and Docker's directory;
 * not /dev/disk or /dev/kmsg, which only the disk and OOM-event metrics need).
 * Plain HTTP without credentials: off its host, scrape it through a TlsGateway.
 */
export class CAdvisor extends Construct implements Scrapeable, Monitored {
  public readonly service: DockerService;
  public readonly housekeepingIntervalSeconds: number;
  private readonly publish?: HostBinding;

  constructor(scope: Construct, id: string, props: CAdvisorProps) {
    super(scope, id);
    this.housekeepingIntervalSeconds = props.housekeepingIntervalSeconds ?? 30;
    this.publish = props.publish;
    const memoryMb = props.memoryMb ?? 256;
    new PropProblems(this).range("housekeepingIntervalSeconds", this.housekeepingIntervalSeconds, 1, 300).range("memoryMb", memoryMb, 64, 8192).throwIfAny();

    this.service = new DockerService(this, "service", {
      serviceName: "cadvisor",
      image: props.image ?? IMAGES.cadvisor,
      network: props.network,
      secrets: props.secrets,
      credentials: props.credentials,
      memoryMb,
      command: [
        `--port=${PORTS.cadvisor}`,
        "--docker_only=true",
        `--housekeeping_interval=${this.housekeepingIntervalSeconds}s`,
        // Container labels and environment variables would become series labels (a restart
        // count among them: a new series at every restart).
        "--store_container_labels=false",
        // CPU and memory only (start time, limits and last-seen come always): fewer series on
        // small hosts. An explicit list, as --disable_metrics replaces the default set instead.
        "--enable_metrics=cpu,memory",
      ],
      healthcheck: wgetHealthcheck(`http://127.0.0.1:${PORTS.cadvisor}/healthz`),
      hostMounts: [
        { hostPath: "/", containerPath: "/rootfs" },
        { hostPath: "/var/run", containerPath: "/var/run" },
        { hostPath: "/sys", containerPath: "/sys" },
        { hostPath: "/var/lib/docker", containerPath: "/var/lib/docker" },
      ],
      ports: publishedPorts(props.publish, PORTS.cadvisor),
    });
  }

  monitoring(): MixinUse[] {
    return [useMixin(CADVISOR_MIXIN, undefined)];
  }

  metricsEndpoints(reach: ScrapeReach): MetricsEndpoint[] {
    const address = reachAddress(this, reach, this.service.serviceName, PORTS.cadvisor, this.publish);
    return [{ job: "cadvisor", address, scheme: "http", check: "none", labels: { service: "cadvisor" } }];
  }
}
