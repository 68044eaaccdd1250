// The push nodes' agents on Stack health: how far behind their remote write is.
import type { DashboardPanels } from "../frames";
import { STACK_HEALTH_UID } from "../frames";
import { promQuery, timeseries } from "../common";

export function prometheusAgentPanels(): DashboardPanels[] {
  return [
    {
      dashboard: STACK_HEALTH_UID,
      row: "Disks and remote write",
      panels: [
        timeseries(
          { title: "Remote-write lag of push sites", description: "How far each push node's agent is behind in sending samples to the hub.", unit: "s" },
          promQuery(
            'max by (site, node) (prometheus_remote_storage_highest_timestamp_in_seconds{site=~"$site"} - ignoring(remote_name, url) group_right prometheus_remote_storage_queue_highest_sent_timestamp_seconds{site=~"$site"})',
            "{{site}} / {{node}}",
          ),
        ),
      ],
    },
  ];
}
