import { App } from "cdktf";
import { logAlertRules, renderRunbook, stackHealthRules } from "../alert-rules";
import type { Inventory } from "../inventory/schema";
import { HubStack } from "./hub-stack";

/** Every stack of the deployment, derived from the inventory. */
export function defineStacks(app: App, inventory: Inventory): { hub: HubStack } {
  return { hub: new HubStack(app, "hub", { inventory }) };
}

/** RUNBOOK.md, generated from the alert rule definitions. */
export function runbook(): string {
  return renderRunbook([
    { fileName: `prometheus rules/${stackHealthRules().fileName}`, language: "promql", groups: stackHealthRules().groups },
    { fileName: `loki rules/${logAlertRules().fileName}`, language: "logql", groups: logAlertRules().groups },
  ]);
}
