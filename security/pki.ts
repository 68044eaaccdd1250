// Who gets a certificate and a password in this deployment, derived from the
// inventory. What the private CA issues (key type, lifetimes, usages) is library
// data (constructs/certificate-specs.ts); the hub stack turns both into `tls_*`
// resources (constructs/credentials.ts), the tests into openssl commands.
import type { Inventory } from "../inventory/schema";

export { CA, CA_USAGES, CLIENT_USAGES, HOST_CERTIFICATE, HOST_USAGES, KEY, OPERATOR_CLIENT, PASSWORD } from "../constructs/certificate-specs";
export type { HostCertificateSpec } from "../constructs/certificate-specs";
import { CLIENT_USAGES, HostCertificateSpec, OPERATOR_CLIENT } from "../constructs/certificate-specs";

/** The operator's client certificate: no names to serve, client use only; hub outputs operator_client_certificate/_key. */
export const OPERATOR_CERTIFICATE: HostCertificateSpec = { host: OPERATOR_CLIENT, dnsNames: [], ipAddresses: [], usages: CLIENT_USAGES };

/** The hub's own name: certificate CN, and the identity its log agent and Prometheus present to gateways. */
export const HUB_HOST = "hub";

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * Splits addresses into the certificate's DNS and IP subject alternative names.
 * The container names of the services that serve a certificate join it by
 * themselves (Credentials.servesAs, from each service).
 */
function alternativeNames(addresses: readonly string[], names: readonly string[]): { dnsNames: string[]; ipAddresses: string[] } {
  const unique = [...new Set(addresses)];
  return {
    dnsNames: [...new Set([...names, "localhost", ...unique.filter((a) => !IPV4.test(a))])],
    ipAddresses: ["127.0.0.1", ...unique.filter((a) => IPV4.test(a) && a !== "127.0.0.1")],
  };
}

/** Certificate name of an edge node: its stack name, so one name identifies it everywhere. */
export const edgeHostName = (siteName: string, nodeName: string) => `edge-${siteName}-${nodeName}`;

/** One certificate per host: the hub (every published address) and every edge node. */
export function hostCertificates(inv: Inventory): HostCertificateSpec[] {
  const published = Object.values(inv.hub.publish).flatMap((b) => (b ? [b.address] : []));
  // Alertmanager replicas serve (and gossip) on the addresses the inventory binds them to.
  const replicas = inv.hub.alertmanager.replicas > 1 ? (inv.hub.alertmanager.peers ?? []) : [];
  const replicaAddresses = (host: string) => replicas.filter((p) => p.host === host).map((p) => p.address);
  return [
    { host: HUB_HOST, ...alternativeNames([inv.hub.address, ...published, ...replicaAddresses("hub")], []) },
    ...inv.sites.flatMap((site) =>
      site.nodes.map((node) => ({
        host: edgeHostName(site.name, node.name),
        ...alternativeNames([node.address, ...replicaAddresses(`${site.name}/${node.name}`)], [node.name]),
      })),
    ),
  ];
}

/**
 * Who holds a password (basic auth against the exporter-toolkit endpoints):
 * people (operator), the hub's clients, every push node's agent and every
 * connector that pushes. Gateways authenticate by certificate instead.
 */
export function passwordIdentities(inv: Inventory): string[] {
  return ["operator", "prometheus", "grafana", "loki", ...pushNodeIdentities(inv), ...pushConnectorIdentities(inv)];
}

/** Every edge node's host name (certificate CN), in inventory order. */
export const edgeHostNames = (inv: Inventory) => inv.sites.flatMap((site) => site.nodes.map((node) => edgeHostName(site.name, node.name)));

/** Nodes of push sites: their agents remote-write to the hub's Prometheus as themselves. */
export const pushNodeIdentities = (inv: Inventory) =>
  inv.sites.filter((s) => s.mode === "push").flatMap((site) => site.nodes.map((node) => edgeHostName(site.name, node.name)));

export const connectorIdentity = (name: string) => `connector-${name}`;

/** Connectors that push to the pushgateway. */
export const pushConnectorIdentities = (inv: Inventory) => inv.connectors.filter((c) => c.metrics === "push").map((c) => connectorIdentity(c.name));
