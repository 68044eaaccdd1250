// Cloud connectors that push, on Sensors: how old their last push is.
import type { DashboardPanels } from "../frames";
import { SENSORS_UID } from "../frames";
import { promQuery, timeseries } from "../common";

export function connectorPanels(): DashboardPanels[] {
  return [
    {
      dashboard: SENSORS_UID,
      row: "Cloud connectors",
      panels: [
        timeseries(
          { title: "Cloud connector last push age", description: "Seconds since each cloud connector last pushed to the pushgateway.", unit: "s" },
          promQuery("time() - max by (job) (push_time_seconds)", "{{job}}"),
        ),
      ],
    },
  ];
}
