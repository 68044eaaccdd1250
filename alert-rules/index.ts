import type { Inventory } from "../inventory/schema";
import { cameraRules } from "./cameras";
import { edgeRules } from "./edge";
import { LogRuleFile, logAlertRules } from "./log-alerts";
import { sensorRules } from "./sensors";
import { AlertSettings, resolveAlertSettings } from "./settings";
import { stackHealthRules } from "./stack-health";
import { RuleFile } from "./types";

export * from "./cameras";
export * from "./edge";
export * from "./inhibitions";
export * from "./log-alerts";
export * from "./render";
export * from "./sensors";
export * from "./settings";
export * from "./stack-health";
export * from "./types";

/** Every rule file of the deployment: Prometheus rules (with their tests) and Loki ruler rules. */
/** The deployment's rules, with its settings (`alerting.settings`) and, for tests, `overrides` on top. */
export function deploymentRules(inv: Inventory, overrides: AlertSettings = {}): { prometheus: RuleFile[]; loki: LogRuleFile[] } {
  const s = resolveAlertSettings({ ...inv.alerting.settings, ...overrides });
  return {
    prometheus: [cameraRules(s), sensorRules(inv, s), edgeRules(inv, s), stackHealthRules(s)],
    loki: [logAlertRules(s)],
  };
}
