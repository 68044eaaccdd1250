// Checks through the hub's Prometheus: is it up, are its targets up, are its
// rule groups loaded and evaluating, do push nodes' samples arrive, what do the
// certificate probes say.
import { CERTIFICATE_PROBE_JOB } from "../../../constructs/blackbox-exporter";
import type { Context } from "../context";
import { excerpt } from "../http";
import { CheckFailure, fail, Outcome, pass, skip } from "../types";

export interface Target {
  readonly labels: Readonly<Record<string, string>>;
  readonly scrapePool: string;
  readonly scrapeUrl: string;
  readonly health: "up" | "down" | "unknown";
  readonly lastError: string;
}

const activeTargets = (ctx: Context) =>
  ctx.once("targets", async () => (await ctx.prometheus<{ activeTargets: Target[] }>("/api/v1/targets?state=active")).activeTargets);

export async function prometheusReady(ctx: Context): Promise<Outcome> {
  const build = await ctx.prometheus<{ version: string }>("/api/v1/status/buildinfo");
  const runtime = await ctx.prometheus<{ startTime?: string; reloadConfigSuccess?: boolean; lastConfigTime?: string }>("/api/v1/status/runtimeinfo");
  if (runtime.reloadConfigSuccess === false)
    return fail(`Prometheus ${build.version} runs, but its last config load failed (${runtime.lastConfigTime ?? "time unknown"})`, "docker logs prometheus on the hub shows why; fix and npm run deploy -- hub");
  return pass(`Prometheus ${build.version} at ${ctx.endpoint("prometheus").via}, up since ${runtime.startTime ?? "?"}`);
}

/** What a target is called in a line: its service (or job) and instance. */
const describeTarget = (t: Target) => `${t.labels.service ?? t.labels.job ?? t.scrapePool} ${t.labels.instance ?? t.scrapeUrl}`;

/** The active targets matching `select` are up; the down ones are named with their last scrape error. */
export async function targetsUp(ctx: Context, select: (labels: Readonly<Record<string, string>>) => boolean, none: string): Promise<Outcome> {
  const targets = (await activeTargets(ctx)).filter((t) => select(t.labels));
  if (targets.length === 0) return fail(none, "npm run deploy -- hub (the hub's scrape config comes from the inventory)");
  const down = targets.filter((t) => t.health !== "up");
  if (down.length === 0) return pass(`${targets.length} of ${targets.length} up`);
  const named = down.map((t) => `${describeTarget(t)} (${t.health === "unknown" ? "not scraped yet" : excerpt(t.lastError || "down")})`);
  return fail(
    `${down.length} of ${targets.length} down: ${named.join("; ")}`,
    "is each container running (docker ps; docker logs <service>) and reachable from the hub? Prometheus → Status → Targets shows the same errors",
  );
}

/** Push nodes' series reach the hub by remote write: `up` of every job the node's agent scrapes. */
export async function remotelyWrittenUp(ctx: Context, site: string, node: string): Promise<Outcome> {
  const series = await ctx.query(`up{site="${site}",node="${node}"}`);
  if (series.length === 0) return fail(`the hub has no recent samples from ${site}/${node}`, "see this node's remote-write line");
  const down = series.filter((s) => s.value !== 1);
  if (down.length === 0) return pass(`${series.length} of ${series.length} up (scraped by the node's agent, remote-written)`);
  return fail(
    `${down.length} of ${series.length} down: ${down.map((s) => `${s.metric.service ?? s.metric.job} ${s.metric.instance}`).join("; ")}`,
    "the scrape error is on the node: docker logs prometheus-agent there; is the container running (docker ps)?",
  );
}

/** The newest sample a push node's agent wrote is recent. */
export async function remoteWriteFresh(ctx: Context, site: string, node: string): Promise<Outcome> {
  const [newest] = await ctx.query(`max(timestamp(up{site="${site}",node="${node}"}))`);
  const limit = ctx.settings.freshnessSeconds;
  const fix = "is the node's prometheus-agent running (docker ps, docker logs prometheus-agent), and can it reach the hub's published Prometheus? (RemoteWriteBehind / EdgeNodeSilent)";
  if (!newest) return fail(`no sample from ${site}/${node} in the last 5 minutes`, fix);
  const age = Math.max(0, Math.round(ctx.now() / 1000 - newest.value));
  if (age > limit) return fail(`newest sample from ${site}/${node} is ${age} s old (limit ${limit} s)`, fix);
  return pass(`newest sample ${age} s old`);
}

interface RuleGroup {
  readonly name: string;
  readonly file: string;
  readonly rules: readonly { readonly name: string; readonly health: string; readonly lastError?: string }[];
}

/**
 * Every expected rule group is loaded, and no rule reports an evaluation error.
 * `groups` is the `data.groups` of a Prometheus-format /api/v1/rules answer (Loki's ruler answers the same).
 */
export function rulesHealthy(what: string, groups: readonly RuleGroup[], expected: readonly string[], deploy: string): Outcome {
  const loaded = new Set(groups.map((g) => g.name));
  const missing = expected.filter((name) => !loaded.has(name));
  const failing = groups.flatMap((g) => g.rules.filter((r) => r.health === "err" || (r.lastError ?? "") !== "").map((r) => `${g.name}/${r.name}: ${excerpt(r.lastError || r.health)}`));
  const rules = groups.reduce((n, g) => n + g.rules.length, 0);
  if (missing.length > 0)
    return fail(`${what} lacks rule group${missing.length === 1 ? "" : "s"} ${missing.join(", ")} (loaded: ${[...loaded].join(", ") || "none"})`, `the deployed rule files differ from this checkout: ${deploy}`);
  if (failing.length > 0)
    return fail(`${failing.length} rule${failing.length === 1 ? "" : "s"} failing: ${failing.join("; ")}`, "fix the rule in alert-rules/ (npm test runs promtool on it), then " + deploy);
  return pass(`${groups.length} group${groups.length === 1 ? "" : "s"}, ${rules} rule${rules === 1 ? "" : "s"} loaded, none failing`);
}

export async function prometheusRules(ctx: Context, expected: readonly string[]): Promise<Outcome> {
  const { groups } = await ctx.prometheus<{ groups: RuleGroup[] }>("/api/v1/rules");
  return rulesHealthy("Prometheus", groups, expected, "npm run deploy -- hub");
}

/**
 * The certificate a host's own blackbox_exporter probes (job certificate-probe):
 * verified against the CA, and how many days it has left.
 */
export async function probedCertificate(ctx: Context, site: string, node: string, tls: boolean): Promise<Outcome> {
  if (!tls) return skip("the site serves plain HTTP (sites[].tls: false)");
  const selector = `job="${CERTIFICATE_PROBE_JOB}",site="${site}",node="${node}"`;
  const [expiry] = await ctx.query(`min(probe_ssl_earliest_cert_expiry{${selector}})`);
  const [success] = await ctx.query(`min(probe_success{${selector}})`);
  if (!success) return fail(`no certificate probe result for ${site}/${node}`, "is its blackbox-exporter target up (see targets)? The probe runs there");
  if (success.value !== 1)
    return fail(`the certificate ${node} serves does not verify against the CA (CertificateInvalid)`, "npm run deploy -- hub, then npm run deploy -- the node's stack, so it loads its current certificate");
  if (!expiry) throw new CheckFailure(`the probe of ${site}/${node} succeeded without an expiry`, "read /probe?module=tls_certificate&debug=true on its blackbox_exporter");
  return daysLeft(ctx, `${node}'s certificate`, expiry.value * 1000);
}

/** Pass when `validTo` (ms) is more than the threshold away. */
export function daysLeft(ctx: Context, what: string, validTo: number): Outcome {
  const days = Math.floor((validTo - ctx.now()) / 86_400_000);
  if (days < ctx.settings.certificateDays)
    return fail(`${what} expires in ${days} days (${new Date(validTo).toISOString().slice(0, 10)})`, "npm run deploy -- hub renews certificates in their last 30 days; then deploy every edge stack");
  return pass(`${what}: ${days} days left`);
}
