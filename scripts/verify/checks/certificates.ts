// Days to expiry: the certificate every reachable hub endpoint serves (read in
// its TLS handshake, verified against the CA), the CA itself and the operator's
// client certificate (from the outputs), and the hub's own certificate probe.
import { X509Certificate } from "node:crypto";
import { connect } from "node:tls";
import { HUB_LABELS } from "../../../stacks/hub-stack";
import { CERTIFICATE_PROBE_JOB } from "../../../constructs/blackbox-exporter";
import type { Context } from "../context";
import { Service, SERVICES } from "../endpoints";
import { connectionFailure } from "../http";
import { fail, Outcome, pass } from "../types";

/** The certificate `url`'s server presents, verified against `ca`; expiry in ms. */
export function servedCertificate(url: string, ca: string, timeoutMs = 10_000): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.hostname, port: Number(target.port || 443), ca, servername: /^[\d.]+$/.test(target.hostname) ? undefined : target.hostname, timeout: timeoutMs }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(Date.parse(cert.valid_to));
    });
    socket.once("timeout", () => socket.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    socket.once("error", (err) => reject(connectionFailure(url, err)));
  });
}

export async function hubCertificates(ctx: Context): Promise<Outcome> {
  const now = ctx.now();
  const findings: { what: string; validTo: number }[] = [];
  const problems: string[] = [];
  const reachable = SERVICES.filter((s) => ctx.endpoint(s).url);
  await Promise.all(
    reachable.map(async (service: Service) => {
      try {
        findings.push({ what: service, validTo: await servedCertificate(ctx.url(service), ctx.outputs.caCertificate) });
      } catch (err) {
        problems.push(`${service}: ${(err as Error).message}`);
      }
    }),
  );
  findings.push({ what: "CA", validTo: Date.parse(new X509Certificate(ctx.outputs.caCertificate).validTo) });
  if (ctx.outputs.operatorClientCertificate) findings.push({ what: "operator client certificate", validTo: Date.parse(new X509Certificate(ctx.outputs.operatorClientCertificate).validTo) });
  // The hub's own probe, where Prometheus has it (it also covers endpoints not reachable from here).
  try {
    const selector = `job="${CERTIFICATE_PROBE_JOB}",site="${HUB_LABELS.site}"`;
    const [probe] = await ctx.query(`min(probe_ssl_earliest_cert_expiry{${selector}})`);
    const [ok] = await ctx.query(`min(probe_success{${selector}})`);
    if (probe) findings.push({ what: "hub's certificate probe", validTo: probe.value * 1000 });
    if (ok && ok.value !== 1) problems.push("the hub's certificate probe fails (CertificateInvalid)");
  } catch {
    // The Prometheus line already says why it cannot be asked.
  }
  const days = (t: number) => Math.floor((t - now) / 86_400_000);
  const soon = findings.filter((f) => days(f.validTo) < ctx.settings.certificateDays);
  const byDays = new Map<number, string[]>();
  for (const f of [...findings].sort((a, b) => a.validTo - b.validTo)) byDays.set(days(f.validTo), [...(byDays.get(days(f.validTo)) ?? []), f.what]);
  const summary = [...byDays].map(([d, what]) => `${what.sort().join(", ")} ${d} days`).join("; ");
  if (problems.length > 0) return fail(`${problems.join("; ")}${summary ? ` (others: ${summary})` : ""}`, "npm run deploy -- hub issues current certificates; then deploy every edge stack");
  if (soon.length > 0)
    return fail(`expiring within ${ctx.settings.certificateDays} days: ${soon.map((f) => `${f.what} ${days(f.validTo)} days`).join(", ")}`, "npm run deploy -- hub renews host certificates in their last 30 days (the CA: see CertificateExpiresSoon in RUNBOOK.md); then deploy every edge stack");
  return pass(`days left: ${summary}`);
}
