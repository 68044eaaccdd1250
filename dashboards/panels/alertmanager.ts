// Alertmanager's panel on Stack health: notifications sent and failed.
import type { DashboardPanels } from "../frames";
import { STACK_HEALTH_UID } from "../frames";
import { promQuery, timeseries } from "../common";

export function alertmanagerPanels(): DashboardPanels[] {
  return [
    {
      dashboard: STACK_HEALTH_UID,
      row: "Rules and notifications",
      panels: [
        timeseries(
          { title: "Notifications sent and failed", description: "Alertmanager notifications per second, per integration.", unit: "short" },
          promQuery("sum by (integration) (rate(alertmanager_notifications_total[$__rate_interval]))", "{{integration}} sent", "A"),
          promQuery("sum by (integration) (rate(alertmanager_notifications_failed_total[$__rate_interval]))", "{{integration}} failed", "B"),
        ),
      ],
    },
  ];
}
