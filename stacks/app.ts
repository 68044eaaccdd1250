import { App } from "cdktf";
import { deploymentRules, renderRunbook } from "../alert-rules";
import type { Inventory } from "../inventory/schema";
import { HubStack } from "./hub-stack";

/** Every stack of the deployment, derived from the inventory. */
export function defineStacks(app: App, inventory: Inventory): { hub: HubStack } {
  return { hub: new HubStack(app, "hub", { inventory }) };
}

/** RUNBOOK.md, generated from the alert rule definitions. */
export function runbook(inventory: Inventory): string {
  const rules = deploymentRules(inventory);
  return renderRunbook([
    ...rules.prometheus.map((f) => ({ fileName: `prometheus rules/${f.fileName}`, language: "promql" as const, groups: f.groups })),
    ...rules.loki.map((f) => ({ fileName: `loki rules/${f.fileName}`, language: "logql" as const, groups: f.groups })),
  ]);
}
