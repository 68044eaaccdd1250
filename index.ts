// Library entry of the package: `import { Prometheus, NodeExporter, ... } from "home-observability"`.
// The app built on it has its own entries: "home-observability/inventory" and "home-observability/stacks".
export * from "./constructs";
export { IMAGES } from "./versions";
// Alert rules a deployment can add to its Prometheus, and their renderers.
export { cameraRules } from "./alert-rules/cameras";
export { stackHealthRules } from "./alert-rules/stack-health";
export { renderRuleGroups, renderRuleTests, renderRunbook } from "./alert-rules/render";
export { resolveAlertSettings } from "./alert-rules/settings";
export type { AlertSettings, ResolvedAlertSettings } from "./alert-rules/settings";
export type { AlertRule, RuleFile, RuleGroup, RuleTest, RunbookEntry, Severity } from "./alert-rules/types";
