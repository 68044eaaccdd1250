// The log agents on Logging: failed pushes and dropped lines, per agent kind in use.
import type { DashboardPanels } from "../frames";
import { LOGGING_UID } from "../frames";
import { promQuery, timeseries } from "../common";

const PANELS = {
  promtail: () =>
    timeseries(
      { title: "Promtail push failures", description: "Failed pushes to Loki and dropped lines per Promtail node.", unit: "short" },
      promQuery('sum by (site, node) (rate(promtail_request_duration_seconds_count{status_code!~"2..", site=~"$site"}[$__rate_interval]))', "{{site}} / {{node}} failed", "A"),
      promQuery('sum by (site, node) (rate(promtail_dropped_entries_total{site=~"$site"}[$__rate_interval]))', "{{site}} / {{node}} dropped", "B"),
    ),
  alloy: () =>
    timeseries(
      { title: "Alloy push failures", description: "Failed pushes to Loki and dropped lines per Alloy node.", unit: "short" },
      promQuery('sum by (site, node) (rate(loki_write_request_duration_seconds_count{status_code!~"2..", site=~"$site"}[$__rate_interval]))', "{{site}} / {{node}} failed", "A"),
      promQuery('sum by (site, node) (rate(loki_write_dropped_entries_total{site=~"$site"}[$__rate_interval]))', "{{site}} / {{node}} dropped", "B"),
    ),
} as const;

export function logAgentPanels(kinds: readonly (keyof typeof PANELS)[]): DashboardPanels[] {
  const used = (Object.keys(PANELS) as (keyof typeof PANELS)[]).filter((kind) => kinds.includes(kind));
  return [{ dashboard: LOGGING_UID, row: "Shipping", panels: used.map((kind) => PANELS[kind]()) }];
}
