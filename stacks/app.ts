import { App } from "cdktf";
import type { LogRuleFile } from "../alert-rules/log-alerts";
import type { RuleFile } from "../alert-rules/types";
import { renderRunbook } from "../constructs/config/rule-files";
import type { Inventory } from "../inventory/schema";
import { resolve } from "node:path";
import { loadImportedDashboards } from "../dashboards/imported";
import { EdgeNodeStack, edgeStackName } from "./edge-node-stack";
import { GrafanaStack } from "./grafana-stack";
import { HubStack } from "./hub-stack";

/** Operators' exported dashboards, pushed into the Imported folder (relative to the project root, where synth runs). */
export const IMPORTED_DASHBOARDS_DIR = resolve("dashboards", "imported");

/**
 * A stack's name, which is also its Terraform state's (terraform.<name>.tfstate):
 * a named deployment (hub.deployment) puts its name first, so a second inventory
 * (the parents' house) never shares state with the first. An unnamed one keeps
 * the plain names.
 */
export function stackName(inventory: Inventory, base: string): string {
  return inventory.hub.deployment ? `${inventory.hub.deployment}-${base}` : base;
}

/** Every stack of the deployment, derived from the inventory: the hub, one per edge node, and Grafana's content. */
export function defineStacks(
  app: App,
  inventory: Inventory,
  importedDir = IMPORTED_DASHBOARDS_DIR,
): { hub: HubStack; edges: EdgeNodeStack[]; grafana: GrafanaStack } {
  const hub = new HubStack(app, stackName(inventory, "hub"), { inventory });
  const { credentials } = hub;
  const edges = inventory.sites.flatMap((site) =>
    site.nodes.map((node) => new EdgeNodeStack(app, stackName(inventory, edgeStackName(site, node)), { inventory, site, node, credentials, hubPrometheus: hub.prometheus, hubLokiGateway: hub.lokiGateway })),
  );
  // Built last: by now the hub's Prometheus has met every component it watches (their panels).
  const grafana = new GrafanaStack(app, stackName(inventory, "grafana"), { inventory, imported: loadImportedDashboards(importedDir), hub });
  return { hub, edges, grafana };
}

/** The rule files the hub evaluates, as its components brought them: Prometheus's (with promtool cases) and Loki's ruler's. */
export function hubRuleFiles(hub: HubStack): { prometheus: RuleFile[]; loki: LogRuleFile[] } {
  return { prometheus: hub.prometheus.ruleFiles(), loki: hub.loki.logRuleFiles() };
}

/** The deployment's rule files, from its stacks built in an app of their own (nothing is written). */
export function deploymentRuleFiles(inventory: Inventory): { prometheus: RuleFile[]; loki: LogRuleFile[] } {
  return hubRuleFiles(defineStacks(new App(), inventory).hub);
}

/** RUNBOOK.md, generated from the rules of the components the hub watches. */
export function runbook(hub: HubStack): string {
  const rules = hubRuleFiles(hub);
  return renderRunbook([
    ...rules.prometheus.map((f) => ({ fileName: `prometheus rules/${f.fileName}`, language: "promql" as const, groups: f.groups })),
    ...rules.loki.map((f) => ({ fileName: `loki rules/${f.fileName}`, language: "logql" as const, groups: f.groups })),
  ]);
}
