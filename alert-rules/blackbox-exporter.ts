// Certificates, as every host's blackbox exporter probes its own: one that
// expires soon, one that no longer verifies.
import { ResolvedAlertSettings } from "./settings";
import { RuleFile, seriesOf } from "./types";

export function certificateRules(s: ResolvedAlertSettings): RuleFile {
  const certificate = { job: "certificate-probe", instance: "192.168.1.21:9115", service: "certificate", site: "home", node: "porch" };
  const days = s.certificateExpiryDays;
  return {
    fileName: "certificates.yml",
    groups: [
      {
        name: "certificates",
        rules: [
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
