import type { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import type { ResolvedAlertSettings } from "../alert-rules/settings";
import { camerasDashboard } from "./cameras";
import { loggingDashboard } from "./logging";
import { sensorsDashboard } from "./sensors";
import { stackHealthDashboard } from "./stack-health";

export * from "./common";

/** Folder (by key) and builder of every generated dashboard; selectors and metric names come from the alert rules' settings. */
export const DASHBOARDS: readonly { readonly folder: "cameras" | "sensors" | "logging" | "stack"; readonly build: (settings: ResolvedAlertSettings) => DashboardBuilder }[] = [
  { folder: "cameras", build: camerasDashboard },
  { folder: "sensors", build: sensorsDashboard },
  { folder: "logging", build: loggingDashboard },
  { folder: "stack", build: stackHealthDashboard },
];
