// The host certificates a deployment's hub issues, as synthesized: the
// inventory's addresses plus the container names of the services that serve
// each one (they add themselves). Test PKIs issue the same names.
import { Testing } from "cdktf";
import type { HostCertificateSpec } from "../../constructs/certificate-specs";
import type { Inventory } from "../../inventory/schema";
import { hostCertificates } from "../../security/pki";
import { defineStacks } from "../../stacks/app";

export function issuedHostCertificates(inventory: Inventory): HostCertificateSpec[] {
  const hosts = new Set(hostCertificates(inventory).map((spec) => spec.host));
  const hub = JSON.parse(Testing.synth(defineStacks(Testing.app(), inventory).hub));
  type Request = { subject: { common_name: string }[]; dns_names: string[]; ip_addresses: string[] };
  return Object.values<Request>(hub.resource.tls_cert_request)
    .filter((r) => hosts.has(r.subject[0].common_name))
    .map((r) => ({ host: r.subject[0].common_name, dnsNames: r.dns_names, ipAddresses: r.ip_addresses }));
}
