// Slow tests: the real promtool (Prometheus 2.42) and amtool (Alertmanager 0.25)
// from Debian, run on the files in rendered/hub/ (kept fresh by rendered.test.ts).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { cameraRules } from "../../alert-rules/cameras";
import { resolveAlertSettings } from "../../alert-rules/settings";
import { renderRuleGroups, renderRuleTests } from "../../constructs/config/rule-files";
import { ruleFilesOf } from "../support/generated";
import { exampleInventory, ROOT } from "../support/example";
import { installService, renderedOnDisk } from "../support/install";
import { runTool } from "../support/tools";

const HUB = join(ROOT, "rendered", "hub");
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "real-tools-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("promtool (slow)", () => {
  it("accepts the hub's prometheus.yml, its rule files and their lint", () => {
    // promtool checks that the credential files exist: install them where the config says.
    const installed = installService(renderedOnDisk(), "hub/prometheus", "/etc/prometheus", join(work, "prometheus"), () => "placeholder");
    const { code, output } = runTool("promtool", ["check", "config", installed.get("prometheus.yml")!]);
    expect(output).toContain(`SUCCESS: ${readdirSync(join(HUB, "prometheus", "rules")).length} rule files found`);
    expect({ code, output }).toEqual({ code: 0, output: expect.not.stringContaining("FAILED") });
  });

  it("accepts every rule file", () => {
    const dir = join(HUB, "prometheus", "rules");
    const files = readdirSync(dir).map((f) => join(dir, f));
    expect(files.length).toBeGreaterThan(0);
    const { code, output } = runTool("promtool", ["check", "rules", ...files]);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining("SUCCESS") });
  });

  const inventory = exampleInventory();
  // Collected from the components the hub watches, as the stacks build them.
  const ruleFiles = ruleFilesOf(inventory).prometheus;

  it.each(ruleFiles.map((f) => [f.fileName, f]))("passes the unit tests of %s (firing and quiet cases)", (_name, file) => {
    cpSync(join(HUB, "prometheus", "rules", file.fileName), join(work, file.fileName));
    const testFile = file.fileName.replace(/\.yml$/, ".test.yml");
    writeFileSync(join(work, testFile), renderRuleTests(file, file.fileName, inventory.alerting.runbookUrl));
    const { code, output } = runTool("promtool", ["test", "rules", testFile], work);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining("SUCCESS") });
  });

  it.each([
    ["a further minute offline, evaluation every 4 s, probes every 30 s (10 s timeout)", { cameraOfflineFor: "1m", cameraEvaluationSeconds: 4 }, { intervalSeconds: 30, timeoutSeconds: 10 }],
    ["evaluation every 8 s, the default probes", { cameraEvaluationSeconds: 8 }, { intervalSeconds: 15, timeoutSeconds: 5 }],
  ] as const)("passes the camera cases made for other timings: %s", (_name, settings, probe) => {
    const file = cameraRules(resolveAlertSettings(settings), probe);
    writeFileSync(join(work, "cameras-other.yml"), renderRuleGroups(file.groups, "https://x.example/R.md"));
    writeFileSync(join(work, "cameras-other.test.yml"), renderRuleTests(file, "cameras-other.yml", "https://x.example/R.md"));
    const { code, output } = runTool("promtool", ["test", "rules", "cameras-other.test.yml"], work);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining("SUCCESS") });
  });

  it("fails a rule test whose expectation is wrong (the check can fail)", () => {
    const file = ruleFiles.find((f) => f.fileName === "prometheus.yml")!;
    const wrong = { ...file, tests: [{ ...file.tests[1], expect: [{ evalTime: "4m", alertname: "PrometheusTargetDown", alerts: [{ job: "node-exporter" }] }] }] };
    cpSync(join(HUB, "prometheus", "rules", file.fileName), join(work, file.fileName));
    writeFileSync(join(work, "wrong.test.yml"), renderRuleTests(wrong, file.fileName, "https://x.example/R.md"));
    expect(runTool("promtool", ["test", "rules", "wrong.test.yml"], work).code).not.toBe(0);
  });
});

describe("amtool (slow)", () => {
  const inventory = exampleInventory();
  const rendered = parse(readFileSync(join(HUB, "alertmanager", "alertmanager.yml"), "utf8"));
  // Fields of the deployed Alertmanager (docs/configuration.md at v0.34.0) that
  // amtool 0.25 predates: webhook url_file and pushover *_file (0.26), msteamsv2 (0.28).
  const NEWER: Record<string, { replace: Record<string, string>; allowed: string[] }> = {
    webhook_configs: { replace: { url_file: "url" }, allowed: ["url", "url_file", "send_resolved", "http_config", "max_alerts", "timeout"] },
    pushover_configs: { replace: { user_key_file: "user_key", token_file: "token" }, allowed: ["user_key", "user_key_file", "token", "token_file", "send_resolved", "title", "message", "url", "priority", "retry", "expire"] },
    msteamsv2_configs: { replace: {}, allowed: ["send_resolved", "webhook_url", "webhook_url_file", "title", "text", "http_config"] },
  };

  /** The same file as amtool 0.25 understands it: inline stand-ins for newer *_file fields, Teams left out. */
  function forAmtool025(doc: Record<string, any>): Record<string, any> {
    const copy = structuredClone(doc);
    for (const receiver of copy.receivers) {
      delete receiver.msteamsv2_configs;
      for (const [kind, { replace }] of Object.entries(NEWER))
        for (const cfg of receiver[kind] ?? [])
          for (const [fileKey, inlineKey] of Object.entries(replace)) {
            cfg[inlineKey] = inlineKey === "url" ? `https://alerts.example.invalid/${receiver.name}` : "stand-in";
            delete cfg[fileKey];
          }
    }
    return copy;
  }

  function writeConfig(name: string, doc: unknown): string {
    const file = join(work, name);
    writeFileSync(file, stringify(doc));
    return file;
  }

  it("accepts alertmanager.yml (with 0.26+ fields given inline for amtool 0.25)", () => {
    const { code, output } = runTool("amtool", ["check-config", writeConfig("alertmanager.yml", forAmtool025(rendered))]);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining("SUCCESS") });
  });

  it("uses only fields the deployed Alertmanager documents where amtool 0.25 cannot check", () => {
    for (const receiver of rendered.receivers)
      for (const [kind, { allowed }] of Object.entries(NEWER))
        for (const cfg of receiver[kind] ?? []) expect({ receiver: receiver.name, unknown: Object.keys(cfg).filter((k) => !allowed.includes(k)) }).toEqual({ receiver: receiver.name, unknown: [] });
  });

  describe("routes", () => {
    const config = () => join(work, "routes.yml");
    beforeAll(() => writeConfig("routes.yml", forAmtool025(rendered)));
    const route = (labels: string[], receivers: string) =>
      runTool("amtool", ["config", "routes", "test", `--config.file=${config()}`, `--verify.receivers=${receivers}`, ...labels]);
    const critical = inventory.alerting.routes.critical.join(",");
    const warning = inventory.alerting.routes.warning.join(",");
    const sites = ["hub", ...inventory.sites.map((s) => s.name)];

    it.each(sites)("sends critical alerts of site %s to every critical receiver", (site) => {
      expect(route(["alertname=CameraOffline", "severity=critical", `site=${site}`], critical).code).toBe(0);
    });

    it.each(sites)("sends warnings of site %s to email and Teams only", (site) => {
      expect(route(["alertname=SensorStale", "severity=warning", `site=${site}`], warning).code).toBe(0);
    });

    it("drops info alerts and sends Watchdog only to the heartbeat", () => {
      expect(route(["alertname=SomethingInfo", "severity=info", "site=home"], "blackhole").code).toBe(0);
      expect(route(["alertname=Watchdog", "severity=info"], inventory.alerting.heartbeat!).code).toBe(0);
      expect(route(["alertname=Watchdog", "severity=info", "site=cabin"], inventory.alerting.heartbeat!).code).toBe(0);
    });

    it("sends an alert without severity to the first critical receiver", () => {
      expect(route(["alertname=Unlabelled"], inventory.alerting.routes.critical[0]).code).toBe(0);
    });

    it("routes a site with maintenance windows through its muting route, and only that site", () => {
      const tree = (site: string) => runTool("amtool", ["config", "routes", "test", `--config.file=${config()}`, "--tree", "severity=critical", `site=${site}`]).output;
      expect(tree("cabin")).toContain('{site="cabin"}');
      expect(tree("home")).not.toContain("site=");
      const cabinRoute = rendered.route.routes.find((r: { matchers: string[] }) => r.matchers.includes('site="cabin"'));
      expect(cabinRoute.mute_time_intervals).toEqual(["maintenance-cabin"]);
      expect(rendered.time_intervals.map((t: { name: string }) => t.name)).toEqual(["maintenance-cabin"]);
    });

    it("fails a routing expectation that is wrong (the check can fail)", () => {
      expect(route(["alertname=SensorStale", "severity=warning", "site=home"], critical).code).not.toBe(0);
    });
  });

  it("rejects a config that routes to an undefined receiver (the check can fail)", () => {
    const broken = forAmtool025(rendered);
    broken.route.receiver = "nobody";
    expect(runTool("amtool", ["check-config", writeConfig("broken.yml", broken)]).code).not.toBe(0);
  });
});
