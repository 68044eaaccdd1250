// Cloud connectors that push to the pushgateway: one that stops pushing.
import { byThreshold, durationSeconds } from "./settings";
import { AlertRule, RuleFile, RuleTest } from "./types";

/** A connector that pushes, and how old its last push may be. */
export interface PusherRef {
  readonly name: string;
  readonly staleAfter: string;
}

export function connectorRules(pushers: readonly PusherRef[]): RuleFile {
  const minutes = (d: string) => Math.ceil(durationSeconds(d) / 60);
  const rules: AlertRule[] = [
    ...byThreshold(pushers).map(([staleAfter, group]) => ({
      alert: "ConnectorPushStale",
      expr: `time() - push_time_seconds{job=~"${group.map((c) => c.name).join("|")}"} > ${durationSeconds(staleAfter)}`,
      severity: "warning" as const,
      labels: { stale_after: staleAfter },
      summary: "Cloud connector {{ $labels.job }} stopped pushing metrics",
      description: `The last push from {{ $labels.job }} to the pushgateway is older than ${staleAfter}.`,
      runbook: {
        symptom: "Metrics of a cloud service (Ring, Nest, Petcube) stop changing.",
        checks: ["`docker logs <connector>` on the hub: expired cloud credentials are the usual cause.", "Is the pushgateway up?"],
        remediation: ["Re-authenticate the connector with its cloud account.", "Restart the connector container."],
      },
    })),
  ];
  const tests: RuleTest[] = [];
  for (const pusher of pushers) {
    const horizon = minutes(pusher.staleAfter) + 3;
    const labels = { job: pusher.name, stale_after: pusher.staleAfter };
    tests.push({
      name: `connector ${pusher.name} that stops pushing alerts after ${pusher.staleAfter}`,
      intervalSeconds: 60,
      inputSeries: [
        { series: `push_time_seconds{job="${pusher.name}"}`, values: `0x${horizon}` },
        ...pushers.filter((p) => p !== pusher).map((p) => ({ series: `push_time_seconds{job="${p.name}"}`, values: `0+60x${horizon}` })),
      ],
      expect: [
        { evalTime: `${minutes(pusher.staleAfter) - 1}m`, alertname: "ConnectorPushStale", alerts: [] },
        { evalTime: `${horizon}m`, alertname: "ConnectorPushStale", alerts: [labels] },
      ],
    });
  }
  return { fileName: "connectors.yml", groups: rules.length > 0 ? [{ name: "connectors", rules }] : [], tests };
}
