// The alert rules' settings (alert-rules/settings.ts) come from one object,
// overridable from the inventory (alerting.settings); rules and dashboards read
// the same values, so a panel shows what its alert watches.
import { parse } from "yaml";
import { renderRuleGroups } from "../constructs/config/rule-files";
import { CAMERAS_UID, STACK_HEALTH_UID } from "../dashboards/frames";
import { dashboardJson } from "../dashboards/serialize";
import { dashboardsOf, hubOf, ruleFilesOf } from "./support/generated";
import { exampleDocument, inventoryFrom } from "./support/example";
import { InventoryError } from "../inventory/load";

const withSettings = (settings: Record<string, unknown>) => {
  const doc = exampleDocument();
  doc.alerting.settings = settings;
  return inventoryFrom(doc, "sites.yaml");
};

describe("alert settings from the inventory", () => {
  it("change the rules and the panels alike", () => {
    const inventory = withSettings({ cameraOfflineFor: "1m", ignoredFilesystems: "tmpfs|nfs", cameraProbeSelector: 'job="doorbells"' });
    const rules = ruleFilesOf(inventory).prometheus;
    const cameras = rules.find((f) => f.fileName === "cameras.yml")!;
    const offline = parse(renderRuleGroups(cameras.groups, "https://x/R.md")).groups[0].rules.find((r: { alert: string }) => r.alert === "CameraOffline");
    const window = 'probe_success{job="doorbells"}[36s]';
    expect(offline).toMatchObject({ expr: `max_over_time(${window}) == 0 and count_over_time(${window}) >= 2`, for: "1m" });
    const dashboards = dashboardsOf(inventory).map(({ dashboard }) => dashboard.build());
    expect(dashboardJson(dashboards.find((d) => d.uid === CAMERAS_UID)!)).toContain('probe_success{job=\\"doorbells\\"');
    expect(dashboardJson(dashboards.find((d) => d.uid === STACK_HEALTH_UID)!)).toContain('fstype!~\\"tmpfs|nfs\\"');
    const disk = rules.flatMap((f) => f.groups.flatMap((g) => g.rules)).filter((r) => r.expr.includes("fstype"));
    expect(disk.length).toBeGreaterThan(0);
    for (const rule of disk) expect(rule.expr).toContain('fstype!~"tmpfs|nfs"');
  });

  it("refuse a camera evaluation interval that could miss two failed probes in a row", () => {
    // 15 s probes, 5 s timeout: two misses and the next good probe leave 9 s to see them.
    expect(() => hubOf(withSettings({ cameraEvaluationSeconds: 8 }))).not.toThrow();
    expect(() => hubOf(withSettings({ cameraEvaluationSeconds: 9 }))).toThrow(/^hub\/prometheus: blackbox-exporter: cameraEvaluationSeconds must be below probe interval − probe timeout − 1 s \(9 s\).*got 9$/);
  });

  it("fails when a selector would add PromQL of its own", () => {
    expect(() => withSettings({ cameraProbeSelector: 'job="x"} or vector(1) or up{job="y' })).toThrow(InventoryError);
    try {
      withSettings({ cameraProbeSelector: 'job="x"} or vector(1) or up{job="y', diskFreeRatio: 2, ignoredFilesystems: 'tmpfs"}' });
    } catch (err) {
      expect((err as InventoryError).problems).toEqual([
        expect.stringMatching(/alerting\.settings\.cameraProbeSelector: must be PromQL label matchers such as job="camera-probe"/),
        expect.stringMatching(/alerting\.settings\.diskFreeRatio: must be between 0 and 1, got 2$/),
        expect.stringMatching(/alerting\.settings\.ignoredFilesystems: must be filesystem types joined by \|, such as tmpfs\|overlay/),
      ]);
    }
  });
});
