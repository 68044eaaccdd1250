// Alertmanager: its configuration loaded, the Watchdog firing, the heartbeat
// delivered, and no notification failing. Delivery is read from Alertmanager's
// notification counters: per receiver where it labels them (0.26+ with
// --enable-feature=receiver-name-in-metrics, as the hub runs it), else per
// integration, which several receivers may share (the line says so).
import { parse } from "yaml";
import type { Context } from "../context";
import { Sample, sumOf } from "../metrics";
import { fail, Outcome, pass, skip } from "../types";

export const COUNTERS = {
  attempts: "alertmanager_notifications_total",
  /** An attempt that failed after its retries: what AlertmanagerNotificationsFailing counts. */
  failed: "alertmanager_notifications_failed_total",
  /** Every request to a receiver, and those that failed (a retried one counts each time). */
  requests: "alertmanager_notification_requests_total",
  requestsFailed: "alertmanager_notification_requests_failed_total",
} as const;

/** Integrations (webhook, email, pushover, msteamsv2, ...) of each receiver of a running alertmanager.yml. */
export function receiverIntegrations(configYaml: string): Map<string, string[]> {
  const receivers = (parse(configYaml)?.receivers ?? []) as Record<string, unknown>[];
  return new Map(receivers.map((r) => [String(r.name), Object.keys(r).filter((k) => k.endsWith("_configs")).map((k) => k.slice(0, -"_configs".length)).sort()]));
}

/** How one receiver's counters are found: by its name where Alertmanager labels them, else by its integrations. */
export interface ReceiverSelector {
  readonly match: (labels: Readonly<Record<string, string>>) => boolean;
  /** Receivers with the same key count on the same counters. */
  readonly key: string;
  /** "" when exact; else the note that other receivers share these counters. */
  readonly note: string;
  /** Other receivers count here too: a failure on these counters may be theirs, a delivery too. */
  readonly shared: boolean;
}

export function receiverSelector(samples: readonly Sample[], integrations: ReadonlyMap<string, readonly string[]>, name: string): ReceiverSelector {
  if (samples.some((s) => s.name.startsWith("alertmanager_notification") && "receiver_name" in s.labels))
    return { match: (l) => l.receiver_name === name, key: `receiver ${name}`, note: "", shared: false };
  const own = integrations.get(name) ?? [];
  const key = own.join("+");
  const sharing = [...integrations].filter(([, i]) => i.some((x) => own.includes(x))).map(([r]) => r);
  const shared = sharing.length > 1;
  return {
    match: (l) => own.includes(l.integration),
    key: `integration ${key}`,
    note: shared ? ` (counted per integration ${key}, shared by ${sharing.join(", ")}: this Alertmanager does not label receivers)` : "",
    shared,
  };
}

/** The receivers of the running config, by integration, from Alertmanager's status (once per run). */
export async function runningIntegrations(ctx: Context): Promise<Map<string, string[]>> {
  return ctx.once("alertmanager-integrations", async () => receiverIntegrations((await ctx.alertmanager<Status>("/api/v2/status")).config.original));
}

/** Requests that did not fail, for a selector. */
export const delivered = (samples: readonly Sample[], s: ReceiverSelector) => sumOf(samples, COUNTERS.requests, s.match) - sumOf(samples, COUNTERS.requestsFailed, s.match);

interface Status {
  readonly config: { readonly original: string };
  readonly uptime: string;
  readonly versionInfo?: { readonly version?: string };
}

export async function alertmanagerConfig(ctx: Context): Promise<Outcome> {
  const status = await ctx.alertmanager<Status>("/api/v2/status");
  const metrics = await ctx.alertmanagerMetrics();
  const reloaded = metrics.find((s) => s.name === "alertmanager_config_last_reload_successful");
  if (reloaded && reloaded.value !== 1)
    return fail("Alertmanager's last config reload failed: it runs an older config", "docker logs alertmanager on the hub shows why; fix and npm run deploy -- hub");
  let loaded: string[] = [];
  try {
    loaded = ((parse(status.config.original)?.receivers ?? []) as { name: string }[]).map((r) => r.name);
  } catch {
    return fail("Alertmanager reports a config it cannot show", "docker logs alertmanager on the hub");
  }
  const missing = ctx.inventory.alerting.receivers.map((r) => r.name).filter((name) => !loaded.includes(name));
  if (missing.length > 0) return fail(`the running config lacks receiver${missing.length === 1 ? "" : "s"} ${missing.join(", ")} of the inventory`, "the deployed config is older than the inventory: npm run deploy -- hub");
  return pass(`Alertmanager ${status.versionInfo?.version ?? ""} at ${ctx.endpoint("alertmanager").via}: config loaded, ${loaded.length} receivers, up since ${status.uptime}`.replace("  ", " "));
}

interface Alert {
  readonly labels: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly status: { readonly state: string; readonly silencedBy: readonly string[]; readonly inhibitedBy: readonly string[] };
}

export async function watchdogFiring(ctx: Context): Promise<Outcome> {
  const alerts = await ctx.alertmanager<Alert[]>(`/api/v2/alerts?filter=${encodeURIComponent('alertname="Watchdog"')}`);
  const active = alerts.find((a) => a.status.state === "active");
  if (active) return pass(`Watchdog firing since ${active.startsAt}`);
  const muted = alerts.find((a) => a.status.silencedBy.length > 0 || a.status.inhibitedBy.length > 0);
  if (muted)
    return fail(`Watchdog arrives but is ${muted.status.silencedBy.length > 0 ? `silenced (${muted.status.silencedBy.join(", ")})` : "inhibited"}: the heartbeat receiver gets nothing`, "expire the silence (amtool silence expire <id>, or the Alertmanager UI)");
  return fail("Alertmanager has no Watchdog alert: Prometheus is not sending it alerts", "Prometheus → Status → Runtime (Alertmanagers); docker logs prometheus for notifier errors (TLS, password of user prometheus)");
}

export async function heartbeatDelivered(ctx: Context): Promise<Outcome> {
  const heartbeat = ctx.inventory.alerting.heartbeat;
  if (!heartbeat) return skip("no heartbeat receiver in the inventory (alerting.heartbeat)");
  const metrics = await ctx.alertmanagerMetrics();
  const selector = receiverSelector(metrics, await runningIntegrations(ctx), heartbeat);
  const { note } = selector;
  const sent = delivered(metrics, selector);
  const failedSinceStart = sumOf(metrics, COUNTERS.failed, selector.match);
  const fix = `check the ${heartbeat} receiver's URL (its *Variable in alerting.receivers) and docker logs alertmanager on the hub`;
  if (failedSinceStart > 0) {
    const recent = await failuresInWindow(ctx, metrics, selector);
    if (recent === undefined || recent > 0)
      return fail(`heartbeat to ${heartbeat} failing: ${recent === undefined ? `${failedSinceStart} failed since Alertmanager started` : `${recent} failed in the last ${ctx.settings.window}`}${note}`, fix);
  }
  if (sent <= 0) return fail(`no heartbeat delivered to ${heartbeat} since Alertmanager started${note}`, "is the Watchdog firing (see above)? The Watchdog route repeats every minute; " + fix);
  return pass(`${sent} heartbeat notification${sent === 1 ? "" : "s"} delivered to ${heartbeat}, none failing${failedSinceStart > 0 ? ` in the last ${ctx.settings.window}` : ""}${note}`);
}

/** Failed notifications in the window, through Prometheus (which scrapes Alertmanager); undefined when Prometheus cannot tell. */
async function failuresInWindow(ctx: Context, metrics: readonly Sample[], selector: ReceiverSelector): Promise<number | undefined> {
  try {
    const series = await ctx.query(`increase(${COUNTERS.failed}[${ctx.settings.window}])`);
    if (series.length === 0 && metrics.length > 0) return undefined;
    return Math.round(series.filter((s) => selector.match(s.metric)).reduce((n, s) => n + s.value, 0));
  } catch {
    return undefined;
  }
}

export async function notificationsHealthy(ctx: Context): Promise<Outcome> {
  const window = ctx.settings.window;
  const scraped = await ctx.query(`count(${COUNTERS.attempts})`);
  if (scraped.length === 0) return fail("Prometheus has no Alertmanager notification metrics", "is the alertmanager target up (see targets)? AlertmanagerNotificationsFailing cannot fire without them");
  const failing = await ctx.query(`sum by (integration, receiver_name) (increase(${COUNTERS.failed}[${window}])) > 0`);
  if (failing.length === 0) return pass(`no notification failed in the last ${window}`);
  const integrations = await runningIntegrations(ctx).catch(() => new Map<string, string[]>());
  const named = failing.map((r) => {
    const who = r.metric.receiver_name ?? [...integrations].filter(([, i]) => i.includes(r.metric.integration)).map(([name]) => name).join("/");
    return `${who || "?"} via ${r.metric.integration} (${Math.round(r.value)})`;
  });
  return fail(`notifications failing in the last ${window}: ${named.join("; ")}`, "docker logs alertmanager shows the receiver's error; fix its URL, token or password variable and npm run deploy -- hub");
}
