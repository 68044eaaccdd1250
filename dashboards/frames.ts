// Generated dashboards are assembled from the panels of the components a
// Prometheus watches: a dashboard here is only its frame (uid, title, folder,
// variables, the order of its rows); each component's mixin fills the rows.
import type { Builder } from "@grafana/grafana-foundation-sdk/cog";
import { DashboardBuilder, Panel, RowBuilder, VariableModel } from "@grafana/grafana-foundation-sdk/dashboard";
import type { ResolvedAlertSettings } from "../alert-rules/settings";
import { dashboard, labelVariable } from "./common";

/** Panels a component adds to one row of one generated dashboard. */
export interface DashboardPanels {
  /** uid of the dashboard (one of DASHBOARD_FRAMES). */
  readonly dashboard: string;
  readonly row: string;
  readonly panels: readonly Builder<Panel>[];
}

export const CAMERAS_UID = "home-cameras";
export const SENSORS_UID = "home-sensors";
export const LOGGING_UID = "home-logging";
export const STACK_HEALTH_UID = "home-stack-health";

/** Grafana folder (by key, see the grafana stack's FOLDERS) a dashboard goes into. */
export type DashboardFolder = "cameras" | "sensors" | "logging" | "stack";

interface DashboardFrame {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly folder: DashboardFolder;
  /** Rows in this order first; rows a component brings that are not listed follow, in the order they came. */
  readonly rows: readonly string[];
  readonly variables: (s: ResolvedAlertSettings) => Builder<VariableModel>[];
}

/** Every generated dashboard's frame; the rules' settings give the variables' selectors. */
export const DASHBOARD_FRAMES: readonly DashboardFrame[] = [
  {
    uid: CAMERAS_UID,
    title: "Cameras",
    description: "Camera reachability from each edge node's probes and from the camera hub.",
    folder: "cameras",
    rows: ["Online state", "Camera hub"],
    variables: (s) => [labelVariable("site", "site", `probe_success{${s.cameraProbeSelector}}`), labelVariable("camera", "camera", `probe_success{${s.cameraProbeSelector}, site=~"$site"}`)],
  },
  {
    uid: SENSORS_UID,
    title: "Sensors",
    description: "Sensor freshness and readings from the edge agents and the cloud connectors.",
    folder: "sensors",
    rows: ["Freshness", "Readings", "Cloud connectors"],
    variables: (s) => [labelVariable("site", "site", s.sensorLastUpdateMetric), labelVariable("node", "node", `${s.sensorLastUpdateMetric}{site=~"$site"}`)],
  },
  {
    uid: LOGGING_UID,
    title: "Logging",
    description: "Log volume, critical lines and log shipping from every node.",
    folder: "logging",
    rows: ["Volume", "Shipping"],
    variables: () => [labelVariable("site", "site", 'up{job="log-agent"}')],
  },
  {
    uid: STACK_HEALTH_UID,
    title: "Stack health",
    description: "Is the monitoring stack itself working: targets, rules, notifications, disks, remote write.",
    folder: "stack",
    rows: ["Targets", "Rules and notifications", "Disks and remote write"],
    variables: () => [labelVariable("site", "site", "up")],
  },
];

/** The generated dashboards with their panels; a dashboard no component fills is left out. */
export function assembleDashboards(contributions: readonly DashboardPanels[], settings: ResolvedAlertSettings): { folder: DashboardFolder; dashboard: DashboardBuilder }[] {
  const unknown = contributions.find((c) => !DASHBOARD_FRAMES.some((f) => f.uid === c.dashboard));
  if (unknown) throw new Error(`dashboards: panels for unknown dashboard ${JSON.stringify(unknown.dashboard)} (row ${JSON.stringify(unknown.row)}); known: ${DASHBOARD_FRAMES.map((f) => f.uid).join(", ")}`);
  return DASHBOARD_FRAMES.flatMap((frame) => {
    const mine = contributions.filter((c) => c.dashboard === frame.uid && c.panels.length > 0);
    if (mine.length === 0) return [];
    const rows = [...new Set([...frame.rows.filter((row) => mine.some((c) => c.row === row)), ...mine.map((c) => c.row)])];
    let built = frame.variables(settings).reduce((d, v) => d.withVariable(v), dashboard(frame.uid, frame.title, frame.description));
    for (const row of rows) {
      built = built.withRow(new RowBuilder(row));
      for (const panel of mine.filter((c) => c.row === row).flatMap((c) => c.panels)) built = built.withPanel(panel);
    }
    return [{ folder: frame.folder, dashboard: built }];
  });
}
