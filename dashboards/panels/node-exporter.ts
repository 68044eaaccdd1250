// node_exporter's panel on Stack health: free disk space, with the filesystems
// the disk alerts leave out left out here too.
import type { ResolvedAlertSettings } from "../../alert-rules/settings";
import type { DashboardPanels } from "../frames";
import { STACK_HEALTH_UID } from "../frames";
import { promQuery, timeseries } from "../common";

export function nodeExporterPanels(s: ResolvedAlertSettings): DashboardPanels[] {
  const fs = `fstype!~"${s.ignoredFilesystems}"`;
  return [
    {
      dashboard: STACK_HEALTH_UID,
      row: "Disks and remote write",
      panels: [
        timeseries(
          { title: "Free disk space", description: "Free space per filesystem on the hub and the nodes (tmpfs and overlays left out).", unit: "percentunit" },
          promQuery(`min by (site, node, mountpoint) (node_filesystem_avail_bytes{${fs}, site=~"$site"} / node_filesystem_size_bytes{${fs}, site=~"$site"})`, "{{site}} / {{node}} {{mountpoint}}"),
        ),
      ],
    },
  ];
}
