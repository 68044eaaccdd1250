// Library entry of the package: `import { Prometheus, NodeExporter, ... } from "home-observability"`.
// The app built on it has its own entries: "home-observability/inventory" and "home-observability/stacks".
export * from "./constructs";
export { IMAGES } from "./versions";
// Rule renderers (RUNBOOK.md and promtool cases of a Prometheus's ruleFiles()) and the alert settings.
export { renderRuleGroups, renderRuleTests, renderRunbook } from "./constructs/config/rule-files";
export { resolveAlertSettings } from "./alert-rules/settings";
export type { AlertSettings, ResolvedAlertSettings } from "./alert-rules/settings";
export type { AlertRule, RuleFile, RuleGroup, RuleTest, RunbookEntry, Severity } from "./alert-rules/types";
export { assembleDashboards, DASHBOARD_FRAMES } from "./dashboards/frames";
export type { DashboardPanels } from "./dashboards/frames";
