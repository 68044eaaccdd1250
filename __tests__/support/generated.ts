// What the example deployment's components bring, built once per inventory:
// its rule files and its dashboards, exactly as the stacks make them.
import { Testing } from "cdktf";
import type { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { assembleDashboards, DashboardFolder } from "../../dashboards/frames";
import type { Inventory } from "../../inventory/schema";
import { defineStacks, hubRuleFiles } from "../../stacks/app";
import { exampleInventory } from "./example";

let exampleHub: ReturnType<typeof defineStacks>["hub"] | undefined;

/** The example's hub is built once per test file: its rules and panels do not change. */
export function hubOf(inventory?: Inventory) {
  if (inventory) return defineStacks(Testing.app(), inventory).hub;
  return (exampleHub ??= defineStacks(Testing.app(), exampleInventory()).hub);
}

export function ruleFilesOf(inventory?: Inventory) {
  return hubRuleFiles(hubOf(inventory));
}

export function dashboardsOf(inventory?: Inventory): { folder: DashboardFolder; dashboard: DashboardBuilder }[] {
  const hub = hubOf(inventory);
  return assembleDashboards(hub.prometheus.dashboardPanels(), hub.prometheus.alertSettings);
}
