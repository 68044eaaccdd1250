import { App } from "cdktf";
import { deploymentRules, renderRunbook } from "../alert-rules";
import type { Inventory } from "../inventory/schema";
import { EdgeNodeStack, edgeStackName } from "./edge-node-stack";
import { HubStack } from "./hub-stack";

/** Every stack of the deployment, derived from the inventory: the hub and one per edge node. */
export function defineStacks(app: App, inventory: Inventory): { hub: HubStack; edges: EdgeNodeStack[] } {
  const hub = new HubStack(app, "hub", { inventory });
  const edges = inventory.sites.flatMap((site) => site.nodes.map((node) => new EdgeNodeStack(app, edgeStackName(site, node), { inventory, site, node })));
  return { hub, edges };
}

/** RUNBOOK.md, generated from the alert rule definitions. */
export function runbook(inventory: Inventory): string {
  const rules = deploymentRules(inventory);
  return renderRunbook([
    ...rules.prometheus.map((f) => ({ fileName: `prometheus rules/${f.fileName}`, language: "promql" as const, groups: f.groups })),
    ...rules.loki.map((f) => ({ fileName: `loki rules/${f.fileName}`, language: "logql" as const, groups: f.groups })),
  ]);
}
