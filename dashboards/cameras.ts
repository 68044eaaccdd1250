// Cameras: which are online (probe and camera hub view), how fast they answer,
// and the camera hub's own health.
import { DashboardBuilder, RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import type { ResolvedAlertSettings } from "../alert-rules/settings";
import { dashboard, labelVariable, promQuery, stat, stateTimeline, timeseries, UP_DOWN } from "./common";

export const CAMERAS_UID = "home-cameras";

/** The rules' settings give the selectors, so a panel shows what CameraOffline alerts on. */
export function camerasDashboard(s: ResolvedAlertSettings): DashboardBuilder {
  const probes = s.cameraProbeSelector;
  const sel = `${probes}, site=~"$site", camera=~"$camera"`;
  const hub = s.cameraHubOnlineMetric;
  return dashboard(CAMERAS_UID, "Cameras", "Camera reachability from each edge node's probes and from the camera hub.")
    .withVariable(labelVariable("site", "site", `probe_success{${probes}}`))
    .withVariable(labelVariable("camera", "camera", `probe_success{${probes}, site=~"$site"}`))
    .withRow(new RowBuilder("Online state"))
    .withPanel(
      stat(
        { title: "Cameras offline", description: "Cameras whose latest probe failed.", unit: "none" },
        promQuery(`count(probe_success{${sel}} == 0) or vector(0)`, "offline"),
      ),
    )
    .withPanel(
      stat(
        { title: "Cameras online", description: "Cameras whose latest probe succeeded.", unit: "none" },
        promQuery(`count(probe_success{${sel}} == 1) or vector(0)`, "online"),
      ),
    )
    .withPanel(
      stateTimeline(
        { title: "Probe result per camera", description: "1 when blackbox_exporter on the camera's node reached it (ICMP, TCP or HTTP, per the inventory).", unit: "none" },
        UP_DOWN,
        promQuery(`max by (site, camera) (probe_success{${sel}})`, "{{site}} / {{camera}}"),
      ),
    )
    .withPanel(
      timeseries(
        { title: "Probe latency per camera", description: "Time the probe took, as measured by blackbox_exporter.", unit: "s" },
        promQuery(`max by (site, camera) (probe_duration_seconds{${sel}})`, "{{site}} / {{camera}}"),
      ),
    )
    .withRow(new RowBuilder("Camera hub"))
    .withPanel(
      stateTimeline(
        { title: "Camera hub view per camera", description: `1 when tapo-camera-mcp reaches the camera (${hub}).`, unit: "none" },
        UP_DOWN,
        promQuery(`max by (site, camera) (${hub}{site=~"$site", camera=~"$camera"})`, "{{site}} / {{camera}}"),
      ),
    )
    .withPanel(
      stat(
        { title: "Camera hub up", description: "Whether Prometheus can scrape tapo-camera-mcp.", unit: "none" },
        promQuery('up{job="tapo-camera-mcp"}', "up"),
      ).mappings(UP_DOWN),
    )
    .withPanel(
      timeseries(
        { title: "Camera hub API errors", description: "Rate of 5xx responses of the camera hub's HTTP API.", unit: "reqps" },
        promQuery('sum by (handler) (rate(http_requests_total{job="tapo-camera-mcp", status=~"5.."}[$__rate_interval]))', "{{handler}}"),
      ),
    );
}
