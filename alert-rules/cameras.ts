// Cameras: a camera whose probe fails (blackbox_exporter on its edge node), and
// a camera the camera hub itself reports as unreachable.
import { ResolvedAlertSettings } from "./settings";
import { RuleFile, seriesOf } from "./types";

export function cameraRules(s: ResolvedAlertSettings): RuleFile {
  const probe = { job: "camera-probe", instance: "192.168.1.50", site: "home", node: "porch", camera: "front-door" };
  const hubSeries = { job: "tapo-camera-mcp", instance: "tapo-camera-mcp:7777", service: "tapo-camera-mcp", site: "home", node: "porch", camera: "front-door" };
  return {
    fileName: "cameras.yml",
    groups: [
      {
        name: "cameras",
        // Probes run every 15 s: evaluating as often keeps camera-offline notifications fast.
        intervalSeconds: s.cameraEvaluationSeconds,
        rules: [
          {
            alert: "CameraOffline",
            expr: `probe_success{${s.cameraProbeSelector}} == 0`,
            for: s.cameraOfflineFor,
            severity: "critical",
            summary: "Camera {{ $labels.camera }} at {{ $labels.site }} is offline",
            description: `The probe of camera {{ $labels.camera }} ({{ $labels.instance }}) from node {{ $labels.node }} has failed for ${s.cameraOfflineFor}.`,
            runbook: {
              symptom: "A camera stops answering its probe (ICMP, TCP or HTTP, as the inventory says); its stream is probably down too.",
              checks: [
                "Is the camera powered (PoE switch port, power supply)?",
                "From the edge node: `ping <camera>` / `nc -vz <camera> 554`.",
                "Did the camera's address change (DHCP lease)? Compare with inventory/sites.yaml.",
              ],
              remediation: ["Power-cycle the camera or its PoE port.", "Give the camera a DHCP reservation and update the inventory if the address moved."],
            },
          },
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
    tests: [
      {
        name: "a camera whose probe fails goes offline after the grace period; a healthy one stays quiet",
        intervalSeconds: 60,
        inputSeries: [
          { series: seriesOf("probe_success", probe), values: "1 1 0x6" },
          { series: seriesOf("probe_success", { ...probe, instance: "192.168.1.51:554", camera: "driveway" }), values: "1x8" },
        ],
        expect: [
          { evalTime: "1m", alertname: "CameraOffline", alerts: [] },
          { evalTime: "4m", alertname: "CameraOffline", alerts: [probe] },
        ],
      },
      {
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
      },
    ],
  };
}
