// The edge agents' sensors on Sensors: freshness and readings.
import type { ResolvedAlertSettings } from "../../alert-rules/settings";
import type { DashboardPanels } from "../frames";
import { SENSORS_UID } from "../frames";
import { promQuery, stat, table, timeseries } from "../common";

export function sensorPanels(s: ResolvedAlertSettings): DashboardPanels[] {
  const sel = 'site=~"$site", node=~"$node"';
  return [
    {
      dashboard: SENSORS_UID,
      row: "Freshness",
      panels: [
        stat(
          { title: "Stale sensors", description: "Sensors with a SensorStale or SensorMetricsMissing alert firing.", unit: "none" },
          promQuery(`count(ALERTS{alertname=~"SensorStale|SensorMetricsMissing", alertstate="firing", ${sel}}) or vector(0)`, "stale"),
        ),
        table(
          { title: "Last update age per sensor", description: "Seconds since each sensor last reported, per the edge agent.", unit: "s" },
          promQuery(`max by (site, node, sensor) (time() - ${s.sensorLastUpdateMetric}{${sel}})`, "{{site}} / {{sensor}}"),
        ),
      ],
    },
    {
      dashboard: SENSORS_UID,
      row: "Readings",
      panels: [
        timeseries(
          { title: "Sensor values", description: "Latest reading of each sensor, as exported by the edge agent (sensor_value).", unit: "short" },
          promQuery(`max by (site, sensor, kind) (sensor_value{${sel}})`, "{{site}} / {{sensor}} ({{kind}})"),
        ),
      ],
    },
  ];
}
