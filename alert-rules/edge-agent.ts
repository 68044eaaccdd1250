// Sensors the edge agent exports: a sensor's last update is older than its
// `staleAfter`, or its series disappeared.
import { byThreshold, durationSeconds, ResolvedAlertSettings } from "./settings";
import { AlertRule, RuleFile, RuleTest, seriesOf } from "./types";

/** A sensor an edge agent reports, where it is, and how old its last update may be. */
export interface SensorRef {
  readonly site: string;
  readonly node: string;
  readonly sensor: string;
  readonly staleAfter: string;
}

const RUNBOOK_STALE = {
  symptom: "A sensor's readings stop changing on the sensors dashboard.",
  checks: ["Is the sensor's battery or power OK?", "Does the edge agent's log on that node mention the sensor (Grafana Explore: `{service=\"edge-agent\", site=\"<site>\"}`)?", "Is the edge agent itself up (PrometheusTargetDown)?"],
  remediation: ["Replace the battery or re-pair the sensor with the edge agent.", "Restart the edge agent container on the node."],
};

export function sensorRules(sensors: readonly SensorRef[], s: ResolvedAlertSettings): RuleFile {
  const metric = s.sensorLastUpdateMetric;
  const rules: AlertRule[] = [
    ...byThreshold(sensors).map(([staleAfter, group]) => ({
      alert: "SensorStale",
      expr: `time() - ${metric}{sensor=~"${group.map((g) => g.sensor).join("|")}"} > ${durationSeconds(staleAfter)}`,
      severity: "warning" as const,
      labels: { stale_after: staleAfter },
      summary: "Sensor {{ $labels.sensor }} at {{ $labels.site }} is stale",
      description: `Sensor {{ $labels.sensor }} on node {{ $labels.node }} has not updated for more than ${staleAfter}.`,
      runbook: RUNBOOK_STALE,
    })),
    // absent_over_time keeps only equality matchers as labels: one rule per sensor.
    ...sensors.map((ref) => ({
      alert: "SensorMetricsMissing",
      expr: `absent_over_time(${metric}{site="${ref.site}",node="${ref.node}",sensor="${ref.sensor}"}[${ref.staleAfter}])`,
      // A fresh hub has no history yet: wait one more staleAfter before calling a sensor missing.
      for: ref.staleAfter,
      severity: "warning" as const,
      labels: { site: ref.site, node: ref.node, sensor: ref.sensor },
      summary: "No metrics from sensor {{ $labels.sensor }} at {{ $labels.site }}",
      description: "The edge agent on node {{ $labels.node }} has not exported sensor {{ $labels.sensor }} at all recently.",
      runbook: {
        symptom: "The sensor's series vanished from Prometheus (blank panels).",
        checks: ["Is the edge agent on the node scraped (Prometheus → Targets)?", "Was the sensor renamed in the edge agent's configuration but not in the inventory?"],
        remediation: ["Make the sensor's name in the edge agent match inventory/sites.yaml.", "Remove a sensor that is gone from the inventory and redeploy the hub."],
      },
    })),
  ];
  return { fileName: "edge-agent.yml", groups: [{ name: "sensors", rules }], tests: sensorTests(sensors, metric) };
}

function sensorTests(sensors: readonly SensorRef[], metric: string): RuleTest[] {
  const labelsOf = (ref: SensorRef) => ({ job: "edge-agent", instance: `${ref.node}:9400`, service: "edge-agent", site: ref.site, node: ref.node, sensor: ref.sensor });
  const minutes = (d: string) => Math.ceil(durationSeconds(d) / 60);
  // Each stale case needs only one fresh neighbour to show fresh sensors staying
  // quiet; these cases are built on every synth, so they must not grow with n².
  const fresh = (refs: readonly SensorRef[], horizon: number) => refs.map((o) => ({ series: seriesOf(metric, labelsOf(o)), values: `0+60x${horizon}` }));
  const tests: RuleTest[] = sensors.map((ref, i) => {
    // Sample values are the sensor's last-update time: "0x.." never updates, "0+60x.." updates every minute.
    const horizon = minutes(ref.staleAfter) + 3;
    const neighbour = sensors.length > 1 ? [sensors[(i + 1) % sensors.length]] : [];
    return {
      name: `sensor ${ref.site}/${ref.sensor} goes stale after ${ref.staleAfter}; a fresh sensor stays quiet`,
      intervalSeconds: 60,
      inputSeries: [{ series: seriesOf(metric, labelsOf(ref)), values: `0x${horizon}` }, ...fresh(neighbour, horizon)],
      expect: [
        { evalTime: `${minutes(ref.staleAfter) - 1}m`, alertname: "SensorStale", alerts: [] },
        { evalTime: `${horizon}m`, alertname: "SensorStale", alerts: [{ ...labelsOf(ref), stale_after: ref.staleAfter }] },
      ],
    };
  });
  if (sensors.length > 0) {
    // Missing fires after its window and its `for`: twice staleAfter.
    const horizon = 2 * Math.max(...sensors.map((ref) => minutes(ref.staleAfter))) + 2;
    tests.push(
      {
        name: "every sensor exporting fresh updates: nothing stale, nothing missing",
        intervalSeconds: 60,
        inputSeries: fresh(sensors, horizon),
        expect: [
          { evalTime: `${horizon}m`, alertname: "SensorStale", alerts: [] },
          { evalTime: `${horizon}m`, alertname: "SensorMetricsMissing", alerts: [] },
        ],
      },
      {
        name: `sensor ${sensors[0].site}/${sensors[0].sensor} whose series disappears is reported missing`,
        intervalSeconds: 60,
        inputSeries: fresh(sensors.slice(1), horizon),
        expect: [{ evalTime: `${horizon}m`, alertname: "SensorMetricsMissing", alerts: [{ site: sensors[0].site, node: sensors[0].node, sensor: sensors[0].sensor }] }],
      },
    );
  }
  return tests;
}
