// The fire drill: a synthetic alert, labelled as a drill and ending by itself
// after a few minutes, posted to Alertmanager with a chosen severity, so that it
// takes the real route to the real receivers of that severity. Delivery is
// confirmed from Alertmanager's counters: every receiver's requests must grow
// without failing.
//
// The drill carries site="fire-drill-<id>": a group of its own (so it is sent after
// the route's group_wait, never merged into a real site's group), matched by no
// maintenance window, inhibited by no other alert.
import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { COUNTERS, delivered, receiverSelector, runningIntegrations } from "./checks/alertmanager";
import type { Context } from "./context";
import { sumOf } from "./metrics";
import { CheckFailure, CheckResult, fail, Outcome, pass } from "./types";

export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const DRILL_ALERTNAME = "FireDrill";
/** The drill resolves itself after this long. */
export const DRILL_MINUTES = 5;

export interface DrillOptions {
  readonly severity: Severity;
  /** How long to wait for every receiver. @default 120 s (critical group_wait is 10 s, warning 30 s) */
  readonly timeoutMs?: number;
  /** @default 1000 */
  readonly pollMs?: number;
  /** Called with each line as it is known. */
  readonly report: (r: CheckResult) => void;
}

export function drillAlert(severity: Severity, id: string, now: number) {
  let who = "unknown";
  try {
    who = `${userInfo().username}@${hostname()}`;
  } catch {
    // no user name (a container without /etc/passwd entry)
  }
  return {
    labels: { alertname: DRILL_ALERTNAME, severity, site: `fire-drill-${id}`, drill: "true", drill_id: id },
    annotations: {
      summary: `Fire drill (${severity}): not a real alert`,
      description: `Sent by npm run verify --fire-drill from ${who} to check that ${severity} notifications arrive. Nothing to do: it resolves itself within ${DRILL_MINUTES} minutes.`,
    },
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + DRILL_MINUTES * 60_000).toISOString(),
  };
}

/** Sends the drill and waits for every receiver of `severity`; returns one line per step and receiver. */
export async function fireDrill(ctx: Context, o: DrillOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const line = (check: string, outcome: Outcome, startedAt: number) => {
    const r: CheckResult = { stack: "drill", check, ...outcome, durationMs: Date.now() - startedAt };
    results.push(r);
    o.report(r);
  };
  const started = Date.now();
  const receivers = ctx.inventory.alerting.routes[o.severity];
  if (receivers.length === 0) {
    line("send", fail(`no receiver takes ${o.severity} alerts (alerting.routes.${o.severity} is empty): nothing to drill`, "choose another severity, or list receivers under alerting.routes in the inventory"), started);
    return results;
  }
  let before;
  let integrations: Map<string, string[]>;
  const id = `${new Date(ctx.now()).toISOString().replace(/[-:T]/g, "").slice(0, 14)}-${randomBytes(2).toString("hex")}`;
  try {
    integrations = await runningIntegrations(ctx);
    before = await ctx.alertmanagerMetrics();
    await ctx.alertmanager("/api/v2/alerts", { method: "POST", body: JSON.stringify([drillAlert(o.severity, id, ctx.now())]), headers: { "content-type": "application/json" } }).catch((err) => {
      // Alertmanager answers a good POST with 200 and an empty body, which is not JSON.
      if (err instanceof CheckFailure && /other than JSON/.test(err.message)) return;
      throw err;
    });
  } catch (err) {
    const f = err instanceof CheckFailure ? err : new CheckFailure((err as Error).message, "see the Alertmanager lines of npm run verify -- hub");
    line("send", fail(`could not send the drill: ${f.message}`, f.fix), started);
    return results;
  }
  line("send", pass(`${DRILL_ALERTNAME} (severity ${o.severity}, drill_id ${id}) sent to Alertmanager; it ends by itself in ${DRILL_MINUTES} minutes; waiting for ${receivers.join(", ")}`), started);

  const selectors = new Map(receivers.map((r) => [r, receiverSelector(before, integrations, r)]));
  // Receivers sharing one integration's counters (no receiver names): each needs its own delivery.
  const sharing = (key: string) => receivers.filter((r) => selectors.get(r)!.key === key).length;
  const pending = new Set(receivers);
  const timeoutMs = o.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let now;
    try {
      now = await ctx.alertmanagerMetrics();
    } catch (err) {
      for (const r of pending) line(r, fail(`lost Alertmanager while waiting: ${(err as Error).message}`, "see npm run verify -- hub"), started);
      return results;
    }
    for (const receiver of [...pending]) {
      const selector = selectors.get(receiver)!;
      const since = (name: string) => sumOf(now, name, selector.match) - sumOf(before, name, selector.match);
      const sent = delivered(now, selector) - delivered(before, selector);
      const failed = since(COUNTERS.requestsFailed);
      const gaveUp = since(COUNTERS.failed);
      const fix = `docker logs alertmanager on the hub shows ${receiver}'s error: check its URL, token or password variable, then npm run deploy -- hub`;
      // Counters shared with other receivers cannot tell whose a failure is: any failure fails the drill (never a false "it rang").
      if (selector.shared && failed > 0) {
        pending.delete(receiver);
        line(receiver, fail(`delivery failed or unconfirmed: ${failed} failed request${failed === 1 ? "" : "s"}${gaveUp > 0 ? `, ${gaveUp} notification${gaveUp === 1 ? "" : "s"} given up` : ""}${selector.note}`, fix), started);
      } else if (sent >= sharing(selector.key)) {
        pending.delete(receiver);
        line(receiver, pass(`delivered in ${((Date.now() - started) / 1000).toFixed(1)} s${failed > 0 ? ` after ${failed} failed attempt${failed === 1 ? "" : "s"}` : ""}${selector.note}`), started);
      } else if (gaveUp > 0) {
        pending.delete(receiver);
        line(receiver, fail(`delivery failed (${gaveUp} notification${gaveUp === 1 ? "" : "s"} given up${failed > 0 ? `, ${failed} failed request${failed === 1 ? "" : "s"}` : ""})${selector.note}`, fix), started);
      }
    }
    if (pending.size === 0) return results;
    if (Date.now() > deadline) {
      for (const receiver of pending) {
        const selector = selectors.get(receiver)!;
        const failed = sumOf(now, COUNTERS.requestsFailed, selector.match) - sumOf(before, COUNTERS.requestsFailed, selector.match);
        line(receiver, fail(`not delivered within ${timeoutMs / 1000} s${failed > 0 ? `: ${failed} failed request${failed === 1 ? "" : "s"} so far` : ""}${selector.note}`, `is ${o.severity} routed to ${receiver} (amtool config routes test severity=${o.severity}), and no silence matching the drill? docker logs alertmanager`), started);
      }
      return results;
    }
    await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
  }
}
