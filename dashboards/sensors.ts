// Sensors: how old each sensor's last update is, which are stale, and their values.
import { DashboardBuilder, RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import type { ResolvedAlertSettings } from "../alert-rules/settings";
import { dashboard, labelVariable, promQuery, stat, table, timeseries } from "./common";

export const SENSORS_UID = "home-sensors";

export function sensorsDashboard(s: ResolvedAlertSettings): DashboardBuilder {
  const sel = 'site=~"$site", node=~"$node"';
  const lastUpdate = s.sensorLastUpdateMetric;
  return dashboard(SENSORS_UID, "Sensors", "Sensor freshness and readings from the edge agents and the cloud connectors.")
    .withVariable(labelVariable("site", "site", lastUpdate))
    .withVariable(labelVariable("node", "node", `${lastUpdate}{site=~"$site"}`))
    .withRow(new RowBuilder("Freshness"))
    .withPanel(
      stat(
        { title: "Stale sensors", description: "Sensors with a SensorStale or SensorMetricsMissing alert firing.", unit: "none" },
        promQuery(`count(ALERTS{alertname=~"SensorStale|SensorMetricsMissing", alertstate="firing", ${sel}}) or vector(0)`, "stale"),
      ),
    )
    .withPanel(
      table(
        { title: "Last update age per sensor", description: "Seconds since each sensor last reported, per the edge agent.", unit: "s" },
        promQuery(`max by (site, node, sensor) (time() - ${lastUpdate}{${sel}})`, "{{site}} / {{sensor}}"),
      ),
    )
    .withPanel(
      timeseries(
        { title: "Cloud connector last push age", description: "Seconds since each cloud connector last pushed to the pushgateway.", unit: "s" },
        promQuery("time() - max by (job) (push_time_seconds)", "{{job}}"),
      ),
    )
    .withRow(new RowBuilder("Readings"))
    .withPanel(
      timeseries(
        { title: "Sensor values", description: "Latest reading of each sensor, as exported by the edge agent (sensor_value).", unit: "short" },
        promQuery(`max by (site, sensor, kind) (sensor_value{${sel}})`, "{{site}} / {{sensor}} ({{kind}})"),
      ),
    );
}
