// Slow tests: the real promtool (Prometheus 2.42) and amtool (Alertmanager 0.25)
// from Debian, run on the files in rendered/hub/ (kept fresh by rendered.test.ts).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { deploymentRules, renderRuleTests } from "../alert-rules";
import { withPlaceholderSecrets } from "../constructs/config/terraform-content";
import { exampleInventory, ROOT } from "./support/example";
import { runTool } from "./support/tools";

const HUB = join(ROOT, "rendered", "hub");
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "real-tools-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("promtool (slow)", () => {
  it("accepts the hub's prometheus.yml, its rule files and their lint", () => {
    const { code, output } = runTool("promtool", ["check", "config", join(HUB, "prometheus", "prometheus.yml")]);
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
  const ruleFiles = deploymentRules(inventory).prometheus;

  it.each(ruleFiles.map((f) => [f.fileName, f]))("passes the unit tests of %s (firing and quiet cases)", (_name, file) => {
    cpSync(join(HUB, "prometheus", "rules", file.fileName), join(work, file.fileName));
    const testFile = file.fileName.replace(/\.yml$/, ".test.yml");
    writeFileSync(join(work, testFile), renderRuleTests(file, file.fileName, inventory.alerting.runbookUrl));
    const { code, output } = runTool("promtool", ["test", "rules", testFile], work);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining("SUCCESS") });
  });

  it("fails a rule test whose expectation is wrong (the check can fail)", () => {
    const file = ruleFiles.find((f) => f.fileName === "stack-health.yml")!;
    const wrong = { ...file, tests: [{ ...file.tests[1], expect: [{ evalTime: "4m", alertname: "PrometheusTargetDown", alerts: [{ job: "node-exporter" }] }] }] };
    cpSync(join(HUB, "prometheus", "rules", file.fileName), join(work, file.fileName));
    writeFileSync(join(work, "wrong.test.yml"), renderRuleTests(wrong, file.fileName, "https://x.example/R.md"));
    expect(runTool("promtool", ["test", "rules", "wrong.test.yml"], work).code).not.toBe(0);
  });
});

describe("amtool (slow)", () => {
  const rendered = readFileSync(join(HUB, "alertmanager", "alertmanager.yml"), "utf8");
  // Placeholders stand where Terraform puts secrets; tools get harmless values.
  const withStandIns = parse(withPlaceholderSecrets(rendered, (name) => `https://alerts.example.invalid/${name}`));
  const MSTEAMS_KEYS = ["webhook_url", "webhook_url_file", "title", "summary", "text", "send_resolved", "http_config"];

  it("accepts alertmanager.yml (Teams receivers checked on their own: amtool 0.25 predates msteams_configs)", () => {
    const teams = withStandIns.receivers.filter((r: Record<string, unknown>) => r.msteams_configs);
    for (const r of teams) delete r.msteams_configs;
    const file = join(work, "alertmanager.yml");
    writeFileSync(file, stringify(withStandIns));
    const { code, output } = runTool("amtool", ["check-config", file]);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining("SUCCESS") });
  });

  it("writes Teams receivers with only fields of Alertmanager's msteams_config (0.26+)", () => {
    const teams = parse(rendered).receivers.filter((r: Record<string, unknown>) => r.msteams_configs);
    expect(teams.length).toBeGreaterThan(0);
    for (const r of teams)
      for (const cfg of r.msteams_configs) {
        expect(Object.keys(cfg).filter((k) => !MSTEAMS_KEYS.includes(k))).toEqual([]);
        expect(cfg.webhook_url).toMatch(/^\$\{var\.[a-z_]+\}$/);
      }
  });

  it("rejects a config that routes to an undefined receiver (the check can fail)", () => {
    const broken = { ...withStandIns, route: { ...withStandIns.route, receiver: "nobody" } };
    const file = join(work, "broken.yml");
    writeFileSync(file, stringify(broken));
    expect(runTool("amtool", ["check-config", file]).code).not.toBe(0);
  });
});
