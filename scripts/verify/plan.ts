// Which checks run for which stack, derived from the inventory like the stacks
// themselves: hub (its own targets, rules, Alertmanager, Loki, certificates),
// one edge-<site>-<node> per node (its targets, its remote write on push sites,
// its certificate probe), grafana (datasources).
import { deploymentRuleFiles } from "../../stacks/app";
import type { Inventory } from "../../inventory/schema";
import { edgeHostName } from "../../security/pki";
import { HUB_LABELS } from "../../stacks/hub-stack";
import { alertmanagerConfig, heartbeatDelivered, notificationsHealthy, watchdogFiring } from "./checks/alertmanager";
import { hubCertificates } from "./checks/certificates";
import { grafanaDatasources } from "./checks/grafana";
import { lokiReady, lokiRoundTrip, lokiRules } from "./checks/loki";
import { probedCertificate, prometheusReady, prometheusRules, remotelyWrittenUp, remoteWriteFresh, targetsUp } from "./checks/prometheus";
import type { Context } from "./context";
import type { Service } from "./endpoints";
import { Check, Outcome, SetupError } from "./types";

/** Every stack of the deployment, in deploy order. */
export function stackNames(inv: Inventory): string[] {
  return ["hub", ...inv.sites.flatMap((site) => site.nodes.map((node) => edgeHostName(site.name, node.name))), "grafana"];
}

/** Stacks named on the command line: exact names or globs (`edge-*`), as `npm run deploy` takes them; none means all. */
export function selectStacks(inv: Inventory, patterns: readonly string[]): string[] {
  const all = stackNames(inv);
  if (patterns.length === 0) return all;
  const selected = new Set<string>();
  for (const pattern of patterns) {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
    const matched = all.filter((s) => re.test(s));
    if (matched.length === 0) throw new SetupError(`no stack matches ${JSON.stringify(pattern)}; the stacks are ${all.join(", ")}`);
    for (const s of matched) selected.add(s);
  }
  return all.filter((s) => selected.has(s));
}

type VerifyCheck = Check<Context>;

export function checksFor(inv: Inventory, stacks: readonly string[]): VerifyCheck[] {
  const rules = deploymentRuleFiles(inv);
  const siteNames = new Set(inv.sites.map((s) => s.name));
  const checks: VerifyCheck[] = [];
  const add = (stack: string, name: string, run: (ctx: Context) => Promise<Outcome>) => checks.push({ stack, name, run });

  if (stacks.includes("hub")) {
    add("hub", "prometheus", prometheusReady);
    // The hub's own targets, and any whose site is not in the inventory (left over from an older one).
    add("hub", "targets", (ctx) => targetsUp(ctx, (l) => l.site === HUB_LABELS.site || !siteNames.has(l.site ?? ""), "Prometheus has no targets of the hub"));
    add("hub", "rules", (ctx) => prometheusRules(ctx, rules.prometheus.flatMap((f) => f.groups.map((g) => g.name))));
    add("hub", "alertmanager", alertmanagerConfig);
    add("hub", "watchdog", watchdogFiring);
    add("hub", "heartbeat", heartbeatDelivered);
    add("hub", "notifications", notificationsHealthy);
    add("hub", "loki", lokiReady);
    add("hub", "loki push+query", lokiRoundTrip);
    add("hub", "loki rules", (ctx) => lokiRules(ctx, rules.loki.flatMap((f) => f.groups.map((g) => g.name))));
    add("hub", "certificates", hubCertificates);
  }
  for (const site of inv.sites)
    for (const node of site.nodes) {
      const stack = edgeHostName(site.name, node.name);
      if (!stacks.includes(stack)) continue;
      if (site.mode === "pull") {
        add(stack, "targets", (ctx) => targetsUp(ctx, (l) => l.site === site.name && l.node === node.name, `the hub's Prometheus has no targets for ${site.name}/${node.name}`));
      } else {
        add(stack, "targets", (ctx) => remotelyWrittenUp(ctx, site.name, node.name));
        add(stack, "remote write", (ctx) => remoteWriteFresh(ctx, site.name, node.name));
      }
      add(stack, "certificate", (ctx) => probedCertificate(ctx, site.name, node.name, site.tls));
    }
  if (stacks.includes("grafana")) add("grafana", "datasources", grafanaDatasources);
  return checks;
}

/** The hub services the selected stacks' checks talk to (SSH tunnels are opened for these only). */
export function servicesFor(stacks: readonly string[]): Service[] {
  const needed = new Set<Service>();
  if (stacks.some((s) => s !== "grafana")) needed.add("prometheus");
  if (stacks.includes("hub")) for (const s of ["alertmanager", "pushgateway", "loki", "grafana", "nodeExporter"] as const) needed.add(s);
  if (stacks.includes("grafana")) needed.add("grafana");
  return [...needed];
}
