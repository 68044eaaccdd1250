// Loki, as Prometheus sees it: log lines it refuses.
import { ResolvedAlertSettings } from "./settings";
import { RuleFile } from "./types";

export function lokiRules(s: ResolvedAlertSettings): RuleFile {
  const window = s.failureWindow;
  return {
    fileName: "loki.yml",
    groups: [
      {
        name: "loki",
        rules: [
          {
            alert: "LokiIngestionErrors",
            expr: `sum by (job, instance, site, node, service, reason) (increase(loki_discarded_samples_total[${window}])) > 0`,
            severity: "warning",
            summary: "Loki discards log lines ({{ $labels.reason }})",
            description: `Loki dropped log lines for reason {{ $labels.reason }} in the last ${window}: logs from edge nodes are being lost.`,
            runbook: {
              symptom: "Log lines are missing in Grafana; Promtail/Alloy report HTTP 4xx from Loki.",
              checks: ["The reason label tells why: rate_limited, line_too_long, greater_than_max_sample_age, ...", "Which site's agent sends the rejected lines (agent logs)?"],
              remediation: ["Raise the matching Loki limit in the Loki construct, or fix the agent's labels/timestamps, then redeploy."],
            },
          },
        ],
      },
    ],
    tests: [
      {
        name: "Loki discarding lines alerts; a clean Loki does not",
        intervalSeconds: 60,
        inputSeries: [
          { series: 'loki_discarded_samples_total{job="loki",instance="loki:3100",service="loki",site="hub",node="hub",reason="rate_limited",tenant="fake"}', values: "0x5 10 20 30" },
          { series: 'loki_discarded_samples_total{job="loki",instance="loki:3100",service="loki",site="hub",node="hub",reason="line_too_long",tenant="fake"}', values: "0x8" },
        ],
        expect: [
          { evalTime: "4m", alertname: "LokiIngestionErrors", alerts: [] },
          { evalTime: "8m", alertname: "LokiIngestionErrors", alerts: [{ job: "loki", instance: "loki:3100", service: "loki", site: "hub", node: "hub", reason: "rate_limited" }] },
        ],
      },
    ],
  };
}
