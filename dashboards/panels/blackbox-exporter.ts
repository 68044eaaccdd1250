// The camera probes on Cameras: which cameras answer and how fast. The rules'
// settings give the selector, so a panel shows what CameraOffline alerts on.
import type { ResolvedAlertSettings } from "../../alert-rules/settings";
import type { DashboardPanels } from "../frames";
import { CAMERAS_UID } from "../frames";
import { promQuery, stat, stateTimeline, timeseries, UP_DOWN } from "../common";

export function cameraProbePanels(s: ResolvedAlertSettings): DashboardPanels[] {
  const sel = `${s.cameraProbeSelector}, site=~"$site", camera=~"$camera"`;
  return [
    {
      dashboard: CAMERAS_UID,
      row: "Online state",
      panels: [
        stat({ title: "Cameras offline", description: "Cameras whose latest probe failed.", unit: "none" }, promQuery(`count(probe_success{${sel}} == 0) or vector(0)`, "offline")),
        stat({ title: "Cameras online", description: "Cameras whose latest probe succeeded.", unit: "none" }, promQuery(`count(probe_success{${sel}} == 1) or vector(0)`, "online")),
        stateTimeline(
          { title: "Probe result per camera", description: "1 when blackbox_exporter on the camera's node reached it (ICMP, TCP or HTTP, per the inventory).", unit: "none" },
          UP_DOWN,
          promQuery(`max by (site, camera) (probe_success{${sel}})`, "{{site}} / {{camera}}"),
        ),
        timeseries(
          { title: "Probe latency per camera", description: "Time the probe took, as measured by blackbox_exporter.", unit: "s" },
          promQuery(`max by (site, camera) (probe_duration_seconds{${sel}})`, "{{site}} / {{camera}}"),
        ),
      ],
    },
  ];
}
