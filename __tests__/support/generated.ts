// What the example deployment's components bring, built once per inventory:
// its rule files and its dashboards, exactly as the stacks make them.
import { Testing } from "cdktf";
import type { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { assembleDashboards, DashboardFolder } from "../../dashboards/frames";
import type { Inventory } from "../../inventory/schema";
import { defineStacks, hubRuleFiles } from "../../stacks/app";
import { exampleInventory } from "./example";

export function hubOf(inventory: Inventory = exampleInventory()) {
  return defineStacks(Testing.app(), inventory).hub;
}

export function ruleFilesOf(inventory: Inventory = exampleInventory()) {
  return hubRuleFiles(hubOf(inventory));
}

export function dashboardsOf(inventory: Inventory = exampleInventory()): { folder: DashboardFolder; dashboard: DashboardBuilder }[] {
  const hub = hubOf(inventory);
  return assembleDashboards(hub.prometheus.dashboardPanels(), hub.prometheus.alertSettings);
}
