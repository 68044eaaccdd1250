// The monitoring stack watching itself: a dead man's switch, targets that stop
// answering, rules that fail to evaluate, notifications that fail to leave,
// disks filling up, Loki refusing log lines, and certificates that expire or no
// longer verify.
import { ResolvedAlertSettings } from "./settings";
import { RuleFile, seriesOf } from "./types";

export function stackHealthRules(s: ResolvedAlertSettings): RuleFile {
  const targetDownFor = s.targetDownFor;
  const window = s.failureWindow;
  const fs = `fstype!~"${s.ignoredFilesystems}"`;
  const hub = { site: "hub", node: "hub" };
  const certificate = { job: "certificate-probe", instance: "192.168.1.21:9115", service: "certificate", site: "home", node: "porch" };
  const days = s.certificateExpiryDays;
  const disk = { job: "node-exporter", instance: "192.168.1.10:9100", service: "node-exporter", ...hub, device: "/dev/sda1", fstype: "ext4", mountpoint: "/" };
  return {
    fileName: "stack-health.yml",
    groups: [
      {
        name: "stack-health",
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
          {
            alert: "NodeDiskAlmostFull",
            expr: `node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}} < ${s.diskFreeRatio}`,
            for: "15m",
            severity: "warning",
            summary: "{{ $labels.mountpoint }} on {{ $labels.node }} ({{ $labels.site }}) is almost full",
            description: `Less than ${s.diskFreeRatio * 100}% of {{ $labels.mountpoint }} ({{ $labels.device }}) is free on {{ $labels.node }}.`,
            runbook: {
              symptom: "A filesystem on the hub or a node has little space left; Prometheus, Loki or Docker will fail to write when it is full.",
              checks: ["`df -h` and `docker system df` on the host.", "On the hub: is Prometheus's retention size larger than the disk allows?"],
              remediation: ["`docker system prune` (images and stopped containers only; volumes are kept).", "Lower hub.retention in the inventory, or grow the disk."],
            },
          },
          {
            alert: "NodeDiskFillingUp",
            expr: `predict_linear(node_filesystem_avail_bytes{${fs}}[6h], ${s.diskFullPredictionHours} * 3600) < 0 and node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}} < 0.4`,
            for: "1h",
            severity: "warning",
            summary: "{{ $labels.mountpoint }} on {{ $labels.node }} ({{ $labels.site }}) will be full within ${s.diskFullPredictionHours}h",
            description: `At the rate of the last 6h, {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.node }} runs out of space within ${s.diskFullPredictionHours} hours.`,
            runbook: {
              symptom: "Free space on a filesystem falls steadily.",
              checks: ["Which directory grows (`du -xh --max-depth=2 / | sort -h | tail`)?", "A container logging in a loop? (`docker ps` restarts, log sizes)"],
              remediation: ["Stop what is writing, then free space as for NodeDiskAlmostFull."],
            },
          },
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
          {
            alert: "CertificateExpiresSoon",
            expr: `probe_ssl_earliest_cert_expiry{job="certificate-probe"} - time() < ${days} * 86400`,
            for: "1h",
            severity: "warning",
            summary: `The certificate of {{ $labels.node }} ({{ $labels.site }}) expires in less than ${days} days`,
            description: `A certificate {{ $labels.node }} serves (its own or the private CA) has less than ${days} days left. Any deploy in a host certificate's last 30 days issues a new one; nobody has deployed since that window opened.`,
            runbook: {
              symptom: "Nothing yet. When the certificate expires, every scrape, log push and remote write of that host fails its TLS check.",
              checks: ["Which certificate: the node's (one year) or the private CA (ten years)? `openssl s_client -connect <node address>:9115 -showcerts </dev/null | openssl x509 -noout -enddate`.", "Was the hub deployed in the last 30 days (`cdktf diff hub` shows `tls_locally_signed_cert` to be replaced when it is due)?"],
              remediation: ["`cdktf deploy hub` issues the new certificates; then `cdktf deploy edge-<site>-<node>` for every node, so each loads its own.", "For the CA: replace it (`terraform apply -replace` of `tls_self_signed_cert` in the hub stack), then deploy every stack."],
            },
          },
          {
            alert: "CertificateInvalid",
            expr: 'probe_success{job="certificate-probe"} == 0',
            for: "10m",
            severity: "warning",
            summary: "{{ $labels.node }} ({{ $labels.site }}) serves a certificate that does not verify",
            description: "The certificate {{ $labels.node }} serves does not verify against the private CA: expired, issued by another CA, or not the host's. Its clients refuse it.",
            runbook: {
              symptom: "Scrapes, log pushes or remote writes of that host fail with TLS errors (`x509: certificate has expired`, `unknown authority`).",
              checks: ["Read the probe's reason: the blackbox exporter's `/probe?module=tls_certificate&target=127.0.0.1:9115&debug=true` on that host.", "Was the hub deployed with a new CA or new certificates, and the node not since?"],
              remediation: ["`cdktf deploy hub`, then `cdktf deploy edge-<site>-<node>` for the node."],
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
      {
        name: "a nearly full filesystem alerts after 15m; a roomy one does not",
        intervalSeconds: 60,
        inputSeries: [
          { series: seriesOf("node_filesystem_avail_bytes", disk), values: "5x30" },
          { series: seriesOf("node_filesystem_size_bytes", disk), values: "100x30" },
          { series: seriesOf("node_filesystem_avail_bytes", { ...disk, device: "/dev/sdb1", mountpoint: "/data" }), values: "50x30" },
          { series: seriesOf("node_filesystem_size_bytes", { ...disk, device: "/dev/sdb1", mountpoint: "/data" }), values: "100x30" },
        ],
        expect: [
          { evalTime: "10m", alertname: "NodeDiskAlmostFull", alerts: [] },
          { evalTime: "20m", alertname: "NodeDiskAlmostFull", alerts: [disk] },
        ],
      },
      {
        name: "a filesystem that will fill within the prediction window alerts; a steady one does not",
        intervalSeconds: 60,
        inputSeries: [
          { series: seriesOf("node_filesystem_avail_bytes", disk), values: "39-0.1x200" },
          { series: seriesOf("node_filesystem_size_bytes", disk), values: "100x200" },
          { series: seriesOf("node_filesystem_avail_bytes", { ...disk, device: "/dev/sdb1", mountpoint: "/data" }), values: "30x200" },
          { series: seriesOf("node_filesystem_size_bytes", { ...disk, device: "/dev/sdb1", mountpoint: "/data" }), values: "100x200" },
        ],
        expect: [
          { evalTime: "30m", alertname: "NodeDiskFillingUp", alerts: [] },
          { evalTime: "90m", alertname: "NodeDiskFillingUp", alerts: [disk] },
        ],
      },
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
      {
        name: "a certificate with less than the threshold left alerts after an hour; one with more does not",
        intervalSeconds: 60,
        inputSeries: [
          // promtool's clock starts at 0: the value is the days left at the start.
          { series: seriesOf("probe_ssl_earliest_cert_expiry", certificate), values: `${(days - 1) * 86400}x80` },
          { series: seriesOf("probe_ssl_earliest_cert_expiry", { ...certificate, instance: "hub:9115", site: "hub", node: "hub" }), values: `${(days + 1) * 86400}x80` },
        ],
        expect: [
          { evalTime: "50m", alertname: "CertificateExpiresSoon", alerts: [] },
          { evalTime: "70m", alertname: "CertificateExpiresSoon", alerts: [certificate] },
        ],
      },
      {
        name: "a certificate that stops verifying alerts after 10m; one that verifies does not",
        intervalSeconds: 60,
        inputSeries: [
          { series: seriesOf("probe_success", certificate), values: "1 1 0x15" },
          { series: seriesOf("probe_success", { ...certificate, instance: "hub:9115", site: "hub", node: "hub" }), values: "1x17" },
        ],
        expect: [
          { evalTime: "8m", alertname: "CertificateInvalid", alerts: [] },
          { evalTime: "14m", alertname: "CertificateInvalid", alerts: [certificate] },
        ],
      },
    ],
  };
}
