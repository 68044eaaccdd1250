// Loki on Logging: what it receives, and what it refuses.
import type { DashboardPanels } from "../frames";
import { LOGGING_UID } from "../frames";
import { logs, lokiQuery, promQuery, timeseries } from "../common";

export function lokiPanels(): DashboardPanels[] {
  return [
    {
      dashboard: LOGGING_UID,
      row: "Volume",
      panels: [
        timeseries(
          { title: "Log lines by service and severity", description: "Lines per second received by Loki, per service and severity.", unit: "short" },
          lokiQuery('sum by (service, severity) (rate({site=~"$site"} [$__auto]))', "A", "{{service}} {{severity}}"),
        ),
        timeseries(
          { title: "Error and critical lines", description: "Lines per second with severity error or critical, per site and service.", unit: "short" },
          lokiQuery('sum by (site, service) (rate({site=~"$site", severity=~"error|critical"} [$__auto]))', "A", "{{site}} {{service}}"),
        ),
        logs({ title: "Critical lines", description: "The latest log lines with severity critical.", unit: "none" }, lokiQuery('{site=~"$site", severity="critical"}')),
      ],
    },
    {
      dashboard: LOGGING_UID,
      row: "Shipping",
      panels: [
        timeseries(
          { title: "Lines Loki discarded", description: "Lines Loki refused, by reason (rate limits, too old, too long).", unit: "short" },
          promQuery("sum by (reason) (rate(loki_discarded_samples_total[$__rate_interval]))", "{{reason}}"),
        ),
      ],
    },
  ];
}
