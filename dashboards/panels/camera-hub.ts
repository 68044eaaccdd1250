// The camera hub on Cameras: its own view of each camera, and its health.
import type { ResolvedAlertSettings } from "../../alert-rules/settings";
import type { DashboardPanels } from "../frames";
import { CAMERAS_UID } from "../frames";
import { promQuery, stat, stateTimeline, timeseries, UP_DOWN } from "../common";

export function cameraHubPanels(s: ResolvedAlertSettings): DashboardPanels[] {
  const hub = s.cameraHubOnlineMetric;
  return [
    {
      dashboard: CAMERAS_UID,
      row: "Camera hub",
      panels: [
        stateTimeline(
          { title: "Camera hub view per camera", description: `1 when tapo-camera-mcp reaches the camera (${hub}).`, unit: "none" },
          UP_DOWN,
          promQuery(`max by (site, camera) (${hub}{site=~"$site", camera=~"$camera"})`, "{{site}} / {{camera}}"),
        ),
        stat({ title: "Camera hub up", description: "Whether Prometheus can scrape tapo-camera-mcp.", unit: "none" }, promQuery('up{job="tapo-camera-mcp"}', "up")).mappings(UP_DOWN),
        timeseries(
          { title: "Camera hub API errors", description: "Rate of 5xx responses of the camera hub's HTTP API.", unit: "reqps" },
          promQuery('sum by (handler) (rate(http_requests_total{job="tapo-camera-mcp", status=~"5.."}[$__rate_interval]))', "{{handler}}"),
        ),
      ],
    },
  ];
}
