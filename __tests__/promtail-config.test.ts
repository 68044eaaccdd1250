import { parse } from "yaml";
import { LogAgentConfig } from "../constructs/config/log-agent";
import { renderPromtailConfig, SEVERITIES } from "../constructs/config/promtail-config";
import { undocumentedKeys } from "./support/config-reference";

const config: LogAgentConfig = {
  lokiPushUrl: "http://192.168.1.10:3100/loki/api/v1/push",
  site: "home",
  device: "porch",
  edgeAgentLogGlob: "/var/log/edge-agent/*.log",
  edgeAgentService: "edge-agent",
  dockerSocket: "/var/run/docker.sock",
  dataDir: "/data",
  httpPort: 9080,
  defaultSeverity: "info",
};

type Mapping = Record<string, unknown>;
interface ScrapeConfig {
  job_name: string;
  static_configs?: { targets: string[]; labels: Record<string, string> }[];
  docker_sd_configs?: Mapping[];
  relabel_configs?: { target_label?: string }[];
  pipeline_stages: Mapping[];
}

/** Seconds in a Go duration such as 500ms, 5m or 1h30m. */
function seconds(duration: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.map((p) => p[0]).join("") !== duration) throw new Error(`not a duration: ${duration}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

/**
 * Least total time Promtail backs off before dropping a batch, as dskit's backoff
 * does it: max_retries sends with a sleep between two of them, each sleep drawn
 * from [lo, hi); both bounds double (capped at max_period) until hi reaches it.
 */
function guaranteedBackoffSeconds(min: number, max: number, maxRetries: number): number {
  let [lo, hi, total] = [min, Math.min(2 * min, max), 0];
  for (let sleep = 1; sleep < maxRetries; sleep++) {
    total += lo;
    if (hi < max) [lo, hi] = [Math.min(2 * lo, max), Math.min(2 * hi, max)];
  }
  return total;
}

/** Every label name the config can put on a line, and which job sets it. */
function labelNamesSet(doc: Mapping): Set<string> {
  const names = new Set<string>();
  const add = (name: string) => !name.startsWith("__") && names.add(name);
  const client = (doc.clients as { external_labels: Mapping }[])[0];
  Object.keys(client.external_labels).forEach(add);
  for (const job of doc.scrape_configs as ScrapeConfig[]) {
    for (const sc of job.static_configs ?? []) Object.keys(sc.labels).forEach(add);
    for (const rc of job.relabel_configs ?? []) if (rc.target_label) add(rc.target_label);
    for (const stage of job.pipeline_stages) {
      if ("labels" in stage) Object.keys(stage.labels as Mapping).forEach(add);
      if ("static_labels" in stage) Object.keys(stage.static_labels as Mapping).forEach(add);
      if ("docker" in stage || "cri" in stage) add("stream"); // both lift the stream into a label
    }
    if (job.static_configs && !job.pipeline_stages.some((s) => (s.labeldrop as string[] | undefined)?.includes("filename"))) add("filename");
  }
  return names;
}

describe("renderPromtailConfig", () => {
  const rendered = renderPromtailConfig(config);
  const doc = parse(rendered) as Mapping;
  const jobs = doc.scrape_configs as ScrapeConfig[];
  const job = (name: string): ScrapeConfig => {
    const found = jobs.find((j) => j.job_name === name);
    if (!found) throw new Error(`no job ${name}`);
    return found;
  };

  it("uses only keys the Promtail 3.6 reference documents", () => {
    expect(undocumentedKeys(doc, "promtail")).toEqual([]);
  });

  it("serves HTTP on the configured port and keeps positions on the data volume", () => {
    expect(doc.server).toEqual({ http_listen_port: 9080, grpc_listen_port: 0, log_level: "info" });
    expect(doc.positions).toMatchObject({ filename: "/data/positions.yaml", sync_period: "10s" });
  });

  it("pushes to the hub with site and device on every line", () => {
    const clients = doc.clients as Mapping[];
    expect(clients).toHaveLength(1);
    expect(clients[0]).toMatchObject({ url: config.lokiPushUrl, external_labels: { site: "home", device: "porch" } });
  });

  it("retries a batch for at least an hour before dropping it", () => {
    // Anchor the model to the reference's default schedule: 0.5s … 256s, 511.5s in all (10 sleeps).
    expect(guaranteedBackoffSeconds(0.5, 300, 11)).toBe(511.5);
    const { min_period, max_period, max_retries } = (doc.clients as { backoff_config: { min_period: string; max_period: string; max_retries: number } }[])[0].backoff_config;
    expect(max_retries).toBeGreaterThan(0); // 0 would retry forever
    expect(guaranteedBackoffSeconds(seconds(min_period), seconds(max_period), max_retries)).toBeGreaterThanOrEqual(3600);
  });

  it("tails the edge agent's files and discovers running containers", () => {
    expect(jobs.map((j) => j.job_name)).toEqual(["edge-agent", "containers"]);
    expect(job("edge-agent").static_configs).toEqual([{ targets: ["localhost"], labels: { service: "edge-agent", __path__: "/var/log/edge-agent/*.log" } }]);
    expect(job("containers").docker_sd_configs).toEqual([
      { host: "unix:///var/run/docker.sock", filters: [{ name: "status", values: ["running"] }], refresh_interval: "15s" },
    ]);
    expect(job("containers").relabel_configs).toEqual([{ source_labels: ["__meta_docker_container_name"], regex: "/?(.*)", target_label: "service" }]);
  });

  it("sets severity the same way in both jobs, defaulting to defaultSeverity", () => {
    const severityStages = job("containers").pipeline_stages;
    expect(job("edge-agent").pipeline_stages.slice(0, severityStages.length)).toEqual(severityStages);
    expect(severityStages[0]).toEqual({ json: { expressions: { severity: "severity || level || lvl" }, drop_malformed: false } });
    expect(severityStages[2]).toEqual({ labels: { severity: "severity" } });

    const { source, template } = (severityStages[1] as { template: { source: string; template: string } }).template;
    expect(source).toBe("severity");
    // Each branch `if eq $s "a" "b" }}severity` maps its spellings to one severity.
    const branches = [...template.matchAll(/if eq \$s ((?:"\w+" ?)+) \}\}(\w+)/g)].map(([, spellings, severity]) => [severity, spellings.replace(/"/g, "").split(" ")]);
    expect(Object.fromEntries(branches)).toEqual({
      critical: ["critical", "crit", "fatal"],
      error: ["error", "err"],
      warning: ["warning", "warn"],
      info: ["info"],
      debug: ["debug"],
    });
    expect(template).toMatch(/\{\{- else \}\}info\n\{\{- end \}\}$/);
    expect(renderPromtailConfig({ ...config, defaultSeverity: "warning" })).toContain("{{- else }}warning\n");
  });

  it("sets no label but site, device, service and severity", () => {
    expect([...labelNamesSet(doc)].sort()).toEqual(["device", "service", "severity", "site"]);
    expect(SEVERITIES).toEqual(["critical", "error", "warning", "info", "debug"]);
  });

  it("is byte-stable and starts with the generated-file header", () => {
    expect(rendered.startsWith("# Generated by home-observability")).toBe(true);
    expect(renderPromtailConfig({ ...config })).toBe(rendered);
  });

  it("fails when defaultSeverity is not one of the five severities", () => {
    expect(() => renderPromtailConfig({ ...config, defaultSeverity: "INFO" })).toThrow(
      'promtail config: defaultSeverity must be one of critical, error, warning, info, debug, got "INFO"',
    );
  });

  it("fails the reference check when a key is misspelled", () => {
    const broken = parse(rendered) as { positions: Mapping; scrape_configs: ScrapeConfig[] };
    broken.positions.sync_perod = "10s";
    (broken.scrape_configs[1].pipeline_stages[1].template as Mapping).sorce = "severity";
    expect(undocumentedKeys(broken, "promtail")).toEqual([
      "positions.sync_perod: not in the Promtail v3.6.15 reference",
      "scrape_configs[1].pipeline_stages[1].template.sorce: not in the Promtail v3.6.15 reference",
    ]);
  });
});
