// Alerts Loki's ruler evaluates on log lines (LogQL). promtool cannot test LogQL,
// so these are parsed with the official LogQL grammar in the test suite instead.
import { ResolvedAlertSettings } from "./settings";
import { RuleGroup } from "./types";

export interface LogRuleFile {
  readonly fileName: string;
  readonly groups: readonly RuleGroup[];
}

export function logAlertRules(s: ResolvedAlertSettings): LogRuleFile {
  const window = s.criticalLogWindow;
  return {
    fileName: "log-alerts.yaml",
    groups: [
      {
        name: "log-alerts",
        rules: [
          {
            alert: "LogCriticalErrors",
            expr: `sum by (site, service) (count_over_time({severity="critical"}[${window}])) > 0`,
            severity: "critical",
            summary: "Critical log lines from {{ $labels.service }} at {{ $labels.site }}",
            description: `{{ $labels.service }} at site {{ $labels.site }} logged lines with severity=critical in the last ${window}.`,
            runbook: {
              symptom: "A service writes critical errors to its log.",
              checks: [
                'In Grafana Explore (Loki), run `{severity="critical", site="<site>", service="<service>"}` to read the lines.',
                "Check the service's container state and restarts (`docker ps`, `docker inspect`).",
              ],
              remediation: ["Fix the cause named in the log lines (device offline, credentials expired, disk full).", "Restart the service if it cannot recover by itself."],
            },
          },
        ],
      },
    ],
  };
}
