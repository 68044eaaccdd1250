// Logging: log volume by service and severity, critical lines, and whether the
// log agents get their lines into Loki.
import { DashboardBuilder, RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { dashboard, labelVariable, logs, lokiQuery, promQuery, timeseries } from "./common";

export const LOGGING_UID = "home-logging";

export function loggingDashboard(): DashboardBuilder {
  return dashboard(LOGGING_UID, "Logging", "Log volume, critical lines and log shipping from every node.")
    .withVariable(labelVariable("site", "site", 'up{job="log-agent"}'))
    .withRow(new RowBuilder("Volume"))
    .withPanel(
      timeseries(
        { title: "Log lines by service and severity", description: "Lines per second received by Loki, per service and severity.", unit: "short" },
        lokiQuery('sum by (service, severity) (rate({site=~"$site"} [$__auto]))', "A", "{{service}} {{severity}}"),
      ),
    )
    .withPanel(
      timeseries(
        { title: "Error and critical lines", description: "Lines per second with severity error or critical, per site and service.", unit: "short" },
        lokiQuery('sum by (site, service) (rate({site=~"$site", severity=~"error|critical"} [$__auto]))', "A", "{{site}} {{service}}"),
      ),
    )
    .withPanel(logs({ title: "Critical lines", description: "The latest log lines with severity critical.", unit: "none" }, lokiQuery('{site=~"$site", severity="critical"}')))
    .withRow(new RowBuilder("Shipping"))
    .withPanel(
      timeseries(
        { title: "Promtail push failures", description: "Failed pushes to Loki and dropped lines per Promtail node.", unit: "short" },
        promQuery('sum by (site, node) (rate(promtail_request_duration_seconds_count{status_code!~"2..", site=~"$site"}[$__rate_interval]))', "{{site}} / {{node}} failed", "A"),
        promQuery('sum by (site, node) (rate(promtail_dropped_entries_total{site=~"$site"}[$__rate_interval]))', "{{site}} / {{node}} dropped", "B"),
      ),
    )
    .withPanel(
      timeseries(
        { title: "Alloy push failures", description: "Failed pushes to Loki and dropped lines per Alloy node.", unit: "short" },
        promQuery('sum by (site, node) (rate(loki_write_request_duration_seconds_count{status_code!~"2..", site=~"$site"}[$__rate_interval]))', "{{site}} / {{node}} failed", "A"),
        promQuery('sum by (site, node) (rate(loki_write_dropped_entries_total{site=~"$site"}[$__rate_interval]))', "{{site}} / {{node}} dropped", "B"),
      ),
    )
    .withPanel(
      timeseries(
        { title: "Lines Loki discarded", description: "Lines Loki refused, by reason (rate limits, too old, too long).", unit: "short" },
        promQuery("sum by (reason) (rate(loki_discarded_samples_total[$__rate_interval]))", "{{reason}}"),
      ),
    );
}
