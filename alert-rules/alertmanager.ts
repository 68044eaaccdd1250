// Alertmanager: notifications that fail to leave.
import { ResolvedAlertSettings } from "./settings";
import { RuleFile } from "./types";

export function alertmanagerRules(s: ResolvedAlertSettings): RuleFile {
  const window = s.failureWindow;
  const hub = { site: "hub", node: "hub" };
  return {
    fileName: "alertmanager.yml",
    groups: [
      {
        name: "alertmanager",
        rules: [
          {
            alert: "AlertmanagerNotificationsFailing",
            expr: `increase(alertmanager_notifications_failed_total[${window}]) > 0`,
            severity: "critical",
            summary: "Alertmanager cannot deliver notifications through {{ $labels.integration }}",
            description: `Notifications through {{ $labels.integration }} failed in the last ${window}: receivers using it are not being told about alerts.`,
            runbook: {
              symptom: "Alerts show as active in Alertmanager but nobody is notified through one channel.",
              checks: ["`docker logs alertmanager` shows the failing integration and the HTTP error.", "Is the receiver's URL, token or SMTP password still valid?"],
              remediation: ["Update the receiver's secret variable and run `cdktf deploy hub`.", "Until it works, watch the Alertmanager UI for active critical alerts."],
            },
          },
        ],
      },
    ],
    tests: [
      {
        name: "failed notifications alert, successful ones do not",
        intervalSeconds: 60,
        inputSeries: [
          { series: `alertmanager_notifications_failed_total{job="alertmanager",instance="alertmanager:9093",site="hub",node="hub",service="alertmanager",integration="webhook"}`, values: "0x5 1 1 1" },
          { series: `alertmanager_notifications_failed_total{job="alertmanager",instance="alertmanager:9093",site="hub",node="hub",service="alertmanager",integration="email"}`, values: "0x8" },
        ],
        expect: [
          { evalTime: "4m", alertname: "AlertmanagerNotificationsFailing", alerts: [] },
          {
            evalTime: "7m",
            alertname: "AlertmanagerNotificationsFailing",
            alerts: [{ job: "alertmanager", instance: "alertmanager:9093", ...hub, service: "alertmanager", integration: "webhook" }],
          },
        ],
      },
    ],
  };
}
