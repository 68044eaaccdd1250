// Prometheus watching itself and its targets: a dead man's switch, targets that
// stop answering, rules that fail to evaluate.
import { ResolvedAlertSettings } from "./settings";
import { RuleFile } from "./types";

export function prometheusRules(s: ResolvedAlertSettings): RuleFile {
  const targetDownFor = s.targetDownFor;
  const window = s.failureWindow;
  const hub = { site: "hub", node: "hub" };
  return {
    fileName: "prometheus.yml",
    groups: [
      {
        name: "prometheus",
        rules: [
          {
            alert: "Watchdog",
            expr: "vector(1)",
            severity: "info",
            summary: "The alerting pipeline is alive",
            description: "Always firing. The heartbeat receiver expects it; its absence there means Prometheus, Alertmanager or their link is down.",
            runbook: {
              symptom: "The external heartbeat service reports that the heartbeat stopped.",
              checks: ["Is the hub reachable (ping, SSH)?", "Are the `prometheus` and `alertmanager` containers running and healthy (`docker ps`)?", "Does Alertmanager's log show errors sending to the heartbeat receiver?"],
              remediation: ["Restart the failed container (`docker start prometheus` / `docker start alertmanager`) or the hub.", "If the heartbeat URL changed, update the `heartbeat_url` variable and run `cdktf deploy hub`."],
            },
          },
          {
            alert: "PrometheusTargetDown",
            expr: "up == 0",
            for: targetDownFor,
            severity: "warning",
            summary: "{{ $labels.service }} on {{ $labels.node }} ({{ $labels.site }}) is not answering scrapes",
            description: `Prometheus job {{ $labels.job }} has failed to scrape {{ $labels.instance }} for more than ${targetDownFor}.`,
            runbook: {
              symptom: "A target on Prometheus's Targets page is red; its metrics stop.",
              checks: ["Open Prometheus → Status → Targets and read the scrape error.", "Is the container running on that node (`docker ps`)?", "Is the port reachable from the hub (firewall, address change)?"],
              remediation: ["Start the container again or redeploy the node's stack (`cdktf deploy edge-<site>-<node>`).", "If the address changed, update inventory/sites.yaml and redeploy the hub."],
            },
          },
          {
            alert: "PrometheusRuleEvaluationFailures",
            expr: `increase(prometheus_rule_evaluation_failures_total[${window}]) > 0`,
            severity: "critical",
            summary: "Prometheus fails to evaluate rule group {{ $labels.rule_group }}",
            description: `Rules in {{ $labels.rule_group }} failed to evaluate in the last ${window}: alerts from that group may be missed.`,
            runbook: {
              symptom: "Alerts in one rule group stop firing; Prometheus → Rules shows an error on the group.",
              checks: ["Read the error on Prometheus → Status → Rules.", "Run `npm test` on the current main to check every rule with promtool."],
              remediation: ["Fix the rule in alert-rules/ and redeploy the hub.", "If the cause is a query timeout, simplify the expression or add a recording rule."],
            },
          },
        ],
      },
    ],
    tests: [
      {
        name: "Watchdog always fires",
        intervalSeconds: 60,
        inputSeries: [],
        expect: [{ evalTime: "1m", alertname: "Watchdog", alerts: [{}] }],
      },
      {
        name: "a target that stops answering alerts after the grace period",
        intervalSeconds: 60,
        inputSeries: [
          { series: 'up{job="node-exporter",instance="192.168.1.21:9100",site="home",node="porch",service="node-exporter"}', values: "1 1 0x10" },
          { series: 'up{job="prometheus",instance="prometheus:9090",site="hub",node="hub",service="prometheus"}', values: "1x12" },
        ],
        expect: [
          { evalTime: "4m", alertname: "PrometheusTargetDown", alerts: [] },
          {
            evalTime: "10m",
            alertname: "PrometheusTargetDown",
            alerts: [{ job: "node-exporter", instance: "192.168.1.21:9100", site: "home", node: "porch", service: "node-exporter" }],
          },
        ],
      },
      {
        name: "rule evaluation failures alert, a clean history does not",
        intervalSeconds: 60,
        inputSeries: [
          { series: `prometheus_rule_evaluation_failures_total{job="prometheus",instance="prometheus:9090",site="hub",node="hub",service="prometheus",rule_group="/etc/prometheus/rules/a.yml;a"}`, values: "0x10 1 2 3" },
          { series: `prometheus_rule_evaluation_failures_total{job="prometheus",instance="prometheus:9090",site="hub",node="hub",service="prometheus",rule_group="/etc/prometheus/rules/b.yml;b"}`, values: "0x13" },
        ],
        expect: [
          { evalTime: "9m", alertname: "PrometheusRuleEvaluationFailures", alerts: [] },
          {
            evalTime: "13m",
            alertname: "PrometheusRuleEvaluationFailures",
            alerts: [{ job: "prometheus", instance: "prometheus:9090", ...hub, service: "prometheus", rule_group: "/etc/prometheus/rules/a.yml;a" }],
          },
        ],
      },
    ],
  };
}
