// Alertmanager checks and the fire drill against a stand-in that answers like the
// deployed Alertmanager 0.34 with --enable-feature=receiver-name-in-metrics: its
// notification counters carry receiver_name, so each receiver is confirmed on its
// own (the real-binary suite runs Debian's 0.25, which counts per integration).
import { alertmanagerConfig, heartbeatDelivered, receiverIntegrations, watchdogFiring } from "../../scripts/verify/checks/alertmanager";
import { Context } from "../../scripts/verify/context";
import { fireDrill } from "../../scripts/verify/drill";
import type { CheckResult } from "../../scripts/verify/types";
import { renderedOnDisk } from "../support/install";
import { endpointsOf, FakeApi, fakeApi } from "../support/fake-api";
import { exampleInventory } from "../support/example";

const SETTINGS = { window: "10m", freshnessSeconds: 120, certificateDays: 21, lokiReadTimeoutMs: 1000 };
const CONFIG = renderedOnDisk().get("hub/alertmanager/alertmanager.yml")!;
const inventory = exampleInventory();
const INTEGRATION: Record<string, string> = { pager: "webhook", mobile: "pushover", sms: "webhook", email: "email", teams: "msteamsv2", heartbeat: "webhook" };
/** What the stand-in routes (the running config's routes, as rendered from the example). */
const ROUTES: Record<string, string[]> = { critical: ["pager", "mobile", "sms"], warning: ["email", "teams"], info: [] };

describe("verify: Alertmanager checks and the fire drill (0.34 counters)", () => {
  let api: FakeApi;
  let ctx: Context;
  /** Counters by receiver: requests, failed requests, notifications, failed notifications. */
  let counters: Record<string, { requests: number; requestsFailed: number; notifications: number; failed: number }>;
  let failing: Set<string>;
  let watchdog: { state: string; silencedBy: string[] } | undefined;
  let reloadOk: number;

  const metrics = () =>
    Object.entries(counters)
      .flatMap(([receiver, c]) => {
        const l = `{integration="${INTEGRATION[receiver]}",receiver_name="${receiver}"}`;
        return [
          `alertmanager_notification_requests_total${l} ${c.requests}`,
          `alertmanager_notification_requests_failed_total${l} ${c.requestsFailed}`,
          `alertmanager_notifications_total${l} ${c.notifications}`,
          `alertmanager_notifications_failed_total{integration="${INTEGRATION[receiver]}",reason="clientError",receiver_name="${receiver}"} ${c.failed}`,
        ];
      })
      .concat([`alertmanager_config_last_reload_successful ${reloadOk}`])
      .join("\n");

  beforeAll(async () => {
    api = await fakeApi((req, url, body) => {
      if (req.headers.authorization !== `Basic ${Buffer.from("operator:pw").toString("base64")}`) return { status: 401, body: "Unauthorized\n" };
      if (url.pathname === "/api/v2/status") return { body: { config: { original: CONFIG }, uptime: "2026-12-01T10:00:00Z", versionInfo: { version: "0.34.1" } } };
      if (url.pathname === "/metrics") return { body: metrics() };
      if (url.pathname === "/api/v2/alerts" && req.method === "GET")
        return { body: watchdog ? [{ labels: { alertname: "Watchdog" }, startsAt: "2026-12-01T10:00:30Z", status: { ...watchdog, inhibitedBy: [] } }] : [] };
      if (url.pathname === "/api/v2/alerts" && req.method === "POST") {
        // Each receiver of the alert's severity gets one notification (immediately, for the test).
        for (const alert of JSON.parse(body)) {
          for (const receiver of ROUTES[alert.labels.severity]) {
            const c = counters[receiver];
            c.requests++;
            c.notifications++;
            if (failing.has(receiver)) {
              c.requestsFailed++;
              c.failed++;
            }
          }
        }
        return { status: 200, body: "" };
      }
      return undefined;
    });
    ctx = new Context(inventory, { caCertificate: "unused", operatorPassword: "pw" }, endpointsOf({ alertmanager: api.url }), SETTINGS);
  });
  afterAll(() => api.close());
  beforeEach(() => {
    counters = Object.fromEntries(Object.keys(INTEGRATION).map((r) => [r, { requests: 0, requestsFailed: 0, notifications: 0, failed: 0 }]));
    counters.heartbeat = { requests: 42, requestsFailed: 0, notifications: 42, failed: 0 };
    failing = new Set();
    watchdog = { state: "active", silencedBy: [] };
    reloadOk = 1;
  });

  const drill = async (severity: "critical") => {
    const lines: CheckResult[] = [];
    await fireDrill(ctx, { severity, timeoutMs: 2000, pollMs: 20, report: (r) => lines.push(r) });
    return lines;
  };

  it("reads each receiver's integrations from the running config", () => {
    expect(Object.fromEntries(receiverIntegrations(CONFIG))).toEqual({ blackhole: [], pager: ["webhook"], mobile: ["pushover"], sms: ["webhook"], email: ["email"], teams: ["msteamsv2"], heartbeat: ["webhook"] });
  });

  it("confirms every receiver of the drill's severity by name", async () => {
    const lines = await drill("critical");
    expect(lines.map((l) => [l.check, l.status])).toEqual([["send", "pass"], ["pager", "pass"], ["mobile", "pass"], ["sms", "pass"]]);
    expect(lines[1].detail).toMatch(/^delivered in [\d.]+ s$/);
    // The heartbeat's steady notifications never count for the pager, though both are webhooks.
    expect(api.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    const [sent] = JSON.parse(api.requests.find((r) => r.method === "POST")!.body);
    expect(sent.labels).toEqual({ alertname: "FireDrill", severity: "critical", site: expect.stringMatching(/^fire-drill-\d{14}-[0-9a-f]{4}$/), drill: "true", drill_id: expect.any(String) });
    expect(Date.parse(sent.endsAt) - Date.parse(sent.startsAt)).toBe(5 * 60_000);
  });

  it("names the one receiver that fails, and passes the others", async () => {
    failing.add("mobile");
    const lines = await drill("critical");
    expect(lines.map((l) => [l.check, l.status])).toEqual([["send", "pass"], ["pager", "pass"], ["mobile", "fail"], ["sms", "pass"]]);
    expect(lines[2]).toMatchObject({ detail: "delivery failed (1 notification given up, 1 failed request)", fix: expect.stringContaining("mobile's error") });
  });

  it("fails a receiver that gets nothing within the timeout", async () => {
    // An inventory that routes warnings to the pager too, where the running config does not.
    const changed = structuredClone(inventory);
    changed.alerting.routes.warning = ["email", "teams", "pager"];
    const lines: CheckResult[] = [];
    await fireDrill(new Context(changed, { caCertificate: "unused", operatorPassword: "pw" }, endpointsOf({ alertmanager: api.url }), SETTINGS), { severity: "warning", timeoutMs: 500, pollMs: 20, report: (r) => lines.push(r) });
    expect(lines.map((l) => [l.check, l.status])).toEqual([["send", "pass"], ["email", "pass"], ["teams", "pass"], ["pager", "fail"]]);
    expect(lines[3]).toMatchObject({ detail: "not delivered within 0.5 s", fix: expect.stringContaining("amtool config routes test severity=warning") });
  });

  it("passes the heartbeat by its receiver's own counters, and fails it when they fail", async () => {
    expect(await heartbeatDelivered(ctx)).toEqual({ status: "pass", detail: "42 heartbeat notifications delivered to heartbeat, none failing" });
    counters.heartbeat.requestsFailed = 3;
    counters.heartbeat.failed = 3;
    // Prometheus is not reachable here, so the failures count since Alertmanager started.
    expect(await heartbeatDelivered(ctx)).toMatchObject({ status: "fail", detail: "heartbeat to heartbeat failing: 3 failed since Alertmanager started", fix: expect.stringContaining("heartbeat receiver's URL") });
    counters.heartbeat = { requests: 0, requestsFailed: 0, notifications: 0, failed: 0 };
    expect(await heartbeatDelivered(ctx)).toMatchObject({ status: "fail", detail: "no heartbeat delivered to heartbeat since Alertmanager started" });
  });

  it("fails when the Watchdog is silenced or missing, and when the config did not reload", async () => {
    watchdog = { state: "suppressed", silencedBy: ["5b0c…"] };
    expect(await watchdogFiring(ctx)).toMatchObject({ status: "fail", detail: "Watchdog arrives but is silenced (5b0c…): the heartbeat receiver gets nothing" });
    watchdog = undefined;
    expect(await watchdogFiring(ctx)).toMatchObject({ status: "fail", detail: "Alertmanager has no Watchdog alert: Prometheus is not sending it alerts" });
    expect(await alertmanagerConfig(ctx)).toMatchObject({ status: "pass", detail: expect.stringMatching(/^Alertmanager 0\.34\.1 at .*: config loaded, 7 receivers/) });
    reloadOk = 0;
    expect(await alertmanagerConfig(ctx)).toMatchObject({ status: "fail", detail: "Alertmanager's last config reload failed: it runs an older config" });
  });

  it("fails the drill when Alertmanager refuses the password, without sending anything", async () => {
    const wrong = new Context(inventory, { caCertificate: "unused", operatorPassword: "wrong" }, endpointsOf({ alertmanager: api.url }), SETTINGS);
    const lines: CheckResult[] = [];
    await fireDrill(wrong, { severity: "critical", timeoutMs: 500, report: (r) => lines.push(r) });
    expect(lines).toEqual([expect.objectContaining({ check: "send", status: "fail", detail: expect.stringContaining("could not send the drill: Alertmanager refused user operator's password (HTTP 401") })]);
  });
});
