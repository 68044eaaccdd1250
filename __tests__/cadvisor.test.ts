// cAdvisor on every Docker host: its container, how it is scraped, its alerts
// and its panels. No cAdvisor binary runs here; its flags are checked against
// its documentation (below), its rules by promtool (real/real-tools.test.ts).
import { Container } from "@cdktf/provider-docker/lib/container";
import { Network } from "@cdktf/provider-docker/lib/network";
import { App, Testing, TerraformStack } from "cdktf";
import { CAdvisor, cadvisorRules, Credentials, SecretVariables } from "../constructs";
import { resolveAlertSettings } from "../alert-rules/settings";
import { STACK_HEALTH_UID } from "../dashboards/frames";
import { defineStacks } from "../stacks/app";
import { renderedFiles } from "../stacks/rendered-files";
import { exampleInventory } from "./support/example";
import { dashboardsOf, ruleFilesOf } from "./support/generated";

/**
 * cAdvisor v0.60.5's flags (cmd/cadvisor.go, lib/manager, lib/container/raw)
 * and the metric kinds --enable_metrics accepts (lib/container/factory.go).
 */
const DOCUMENTED_FLAGS = new Set(["port", "listen_ip", "docker_only", "housekeeping_interval", "global_housekeeping_interval", "allow_dynamic_housekeeping", "store_container_labels", "whitelisted_container_labels", "enable_metrics", "disable_metrics", "storage_duration", "prometheus_endpoint", "docker"]);
const METRIC_KINDS = new Set(["cpu", "sched", "percpu", "memory", "memory_numa", "cpuLoad", "diskIO", "disk", "network", "tcp", "advtcp", "udp", "app", "process", "hugetlb", "perf_event", "referenced_memory", "cpu_topology", "resctrl", "cpuset", "oom_event", "pressure"]);

function host() {
  const stack = new TerraformStack(Testing.app(), "pi");
  const network = new Network(stack, "network", { name: "observability" });
  const secrets = new SecretVariables(stack, "secrets");
  const credentials = new Credentials(stack, "credentials", { hosts: [{ host: "pi", dnsNames: [], ipAddresses: [] }], passwordIdentities: [] });
  return { stack, context: { network, secrets, credentials } };
}

describe("cAdvisor", () => {
  it("runs with documented flags, read-only views of the host and no capabilities", () => {
    const { stack, context } = host();
    new CAdvisor(stack, "cadvisor", { ...context });
    const container = Object.values(JSON.parse(Testing.synth(stack)).resource.docker_container as Record<string, any>).find((c) => c.name === "cadvisor");
    const flags = (container.command as string[]).map((arg) => /^--([a-z_]+)=(.*)$/.exec(arg)!);
    expect(flags.map(([, name]) => name).filter((name) => !DOCUMENTED_FLAGS.has(name))).toEqual([]);
    const kinds = flags.find(([, name]) => name === "enable_metrics")![2].split(",");
    expect(kinds.filter((kind) => !METRIC_KINDS.has(kind))).toEqual([]);
    // --store_container_labels=false: a restart-count label would start a new series at every restart.
    expect(container.command).toEqual(expect.arrayContaining(["--docker_only=true", "--store_container_labels=false"]));
    expect(container.volumes.map((v: { host_path: string; read_only: boolean }) => [v.host_path, v.read_only])).toEqual([["/", true], ["/var/run", true], ["/sys", true], ["/var/lib/docker", true]]);
    expect(container.capabilities).toEqual({ drop: ["ALL"] });
    expect(container.healthcheck.test).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, { name: "cadvisor", memory: 256, ports: [] });
  });

  it("fails when its housekeeping interval is out of range, naming it", () => {
    const { stack, context } = host();
    expect(() => new CAdvisor(stack, "cadvisor", { ...context, housekeepingIntervalSeconds: 0 })).toThrow(/pi\/cadvisor: housekeepingIntervalSeconds must be/);
  });

  it("runs on the hub and every edge node, each scraped (through the gateway on pull nodes with TLS)", () => {
    const app = new App();
    defineStacks(app, exampleInventory());
    const rendered = renderedFiles(app);
    const hub = rendered.get("hub/prometheus/prometheus.yml")!;
    expect(hub).toContain("job_name: cadvisor");
    expect(hub).toContain("- cadvisor:8080");
    expect(hub).toContain("__metrics_path__: /cadvisor/metrics");
    expect(rendered.get("edge-home-porch/metrics-gateway/nginx.conf")).toContain("location = /cadvisor/metrics");
    expect(rendered.get("edge-cabin-lodge/prometheus-agent/prometheus.yml")).toContain("- 127.0.0.1:8080");
  });

  it("brings its alerts to the hub's rules and its panels to Stack health", () => {
    const file = ruleFilesOf().prometheus.find((f) => f.fileName === "cadvisor.yml")!;
    expect(file.groups[0].rules.map((r) => r.alert)).toEqual(["ContainerRestarting", "ContainerNearMemoryLimit"]);
    const stackHealth = dashboardsOf().find(({ dashboard }) => dashboard.build().uid === STACK_HEALTH_UID)!.dashboard.build();
    expect((stackHealth.panels ?? []).map((p) => p.title)).toEqual(expect.arrayContaining(["Containers", "Container memory against its limit", "Container restarts"]));
  });

  it("takes its thresholds from the alert settings", () => {
    const rules = cadvisorRules(resolveAlertSettings({ containerRestarts: 5, containerRestartWindow: "1h", containerMemoryRatio: 0.8 })).groups[0].rules;
    expect(rules[0].expr).toBe('max by (site, node, name) (changes(container_start_time_seconds{name!=""}[1h])) >= 5');
    expect(rules[1].expr).toContain("> 0.8");
  });
});
