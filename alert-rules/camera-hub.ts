// The camera hub's own view: a camera it reports as unreachable.
import { ResolvedAlertSettings } from "./settings";
import { RuleFile, RuleTest, seriesOf } from "./types";

export function cameraHubRules(s: ResolvedAlertSettings): RuleFile {
  return {
    fileName: "camera-hub.yml",
    groups: [
      {
        name: "camera-hub",
        rules: [
          {
            alert: "CameraHubReportsCameraOffline",
            expr: `${s.cameraHubOnlineMetric}{job="tapo-camera-mcp"} == 0`,
            for: s.cameraHubOfflineFor,
            severity: "critical",
            summary: "The camera hub cannot reach camera {{ $labels.camera }} at {{ $labels.site }}",
            description: `tapo-camera-mcp has reported camera {{ $labels.camera }} offline for ${s.cameraHubOfflineFor}.`,
            runbook: {
              symptom: "The camera hub's /api/cameras lists the camera as offline; its stream is missing from the hub.",
              checks: ["`curl http://<hub>:7777/api/cameras` to see the hub's view.", "Does CameraOffline fire too? Then the camera itself is down; otherwise check the hub's credentials for the camera."],
              remediation: ["Restore the camera (see CameraOffline).", "If only the hub fails, re-enter the camera's credentials in tapo-camera-mcp and restart it."],
            },
          },
        ],
      },
    ],
    tests: [cameraHubTest(s)],
  };
}

function cameraHubTest(s: ResolvedAlertSettings): RuleTest {
  const hubSeries = { job: "tapo-camera-mcp", instance: "tapo-camera-mcp:7777", service: "tapo-camera-mcp", site: "home", node: "porch", camera: "front-door" };
  return {
    name: "a camera the hub reports offline alerts; one it reaches does not",
    intervalSeconds: 60,
    inputSeries: [
      { series: seriesOf(s.cameraHubOnlineMetric, hubSeries), values: "1 0x6" },
      { series: seriesOf(s.cameraHubOnlineMetric, { ...hubSeries, camera: "driveway" }), values: "1x7" },
    ],
    expect: [
      { evalTime: "2m", alertname: "CameraHubReportsCameraOffline", alerts: [] },
      { evalTime: "5m", alertname: "CameraHubReportsCameraOffline", alerts: [hubSeries] },
    ],
  };
}
