// What the private CA issues, as plain data. The hub stack turns it into
// `tls_*` resources (constructs/credentials.ts); the tests turn the same specs
// into openssl commands, so what the suite runs against is what Terraform issues.
import type { Inventory } from "../inventory/schema";

/** Key type of the CA and every host: ECDSA P-256, accepted by Go's TLS stack, nginx and browsers. */
export const KEY = { algorithm: "ECDSA", ecdsaCurve: "P256" } as const;

export const CA = {
  commonName: "home-observability private CA",
  organization: "home-observability",
  /** Ten years: rotating the CA means re-issuing every host, so it is rare by design. */
  validityHours: 10 * 365 * 24,
} as const;

/** A host certificate lives a year; an apply in its last 30 days issues a new one. */
export const HOST_CERTIFICATE = { validityHours: 365 * 24, earlyRenewalHours: 30 * 24 } as const;

/** Server and client identity in one: a host serves with it and presents it to the hub's gateways. */
export const HOST_USAGES = ["digital_signature", "key_encipherment", "server_auth", "client_auth"] as const;
export const CA_USAGES = ["cert_signing", "crl_signing", "digital_signature"] as const;

export interface HostCertificateSpec {
  /** Certificate name in placeholders (`${tls.<host>.cert}`) and its subject CN (the gateways' allow lists match it). */
  readonly host: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** @default HOST_USAGES */
  readonly usages?: readonly string[];
}

/** A person's certificate: it identifies a client to the gateways and serves nothing. */
export const CLIENT_USAGES = ["digital_signature", "client_auth"] as const;

/** CN of the operator's client certificate (`npm run verify` pushes and reads through the Loki gateway with it). */
export const OPERATOR_CLIENT = "operator";

/** The operator's client certificate: no names to serve, client use only; hub outputs operator_client_certificate/_key. */
export const OPERATOR_CERTIFICATE: HostCertificateSpec = { host: OPERATOR_CLIENT, dnsNames: [], ipAddresses: [], usages: CLIENT_USAGES };

/** The hub's own name: certificate CN, and the identity its log agent and Prometheus present to gateways. */
export const HUB_HOST = "hub";

/** Container names the hub's certificate answers to on the Docker network. */
export const HUB_SERVICE_NAMES = ["prometheus", "alertmanager", "pushgateway", "grafana", "loki-gateway", "blackbox-exporter"] as const;

/** Edge services reached by name on the node's own Docker network. */
const EDGE_SERVICE_NAMES = ["node-exporter", "blackbox-exporter", "prometheus-agent", "metrics-gateway"] as const;

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Splits addresses into the certificate's DNS and IP subject alternative names. */
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
  return [
    { host: HUB_HOST, ...alternativeNames([inv.hub.address, ...published], HUB_SERVICE_NAMES) },
    ...inv.sites.flatMap((site) =>
      site.nodes.map((node) => ({ host: edgeHostName(site.name, node.name), ...alternativeNames([node.address], [node.name, ...EDGE_SERVICE_NAMES]) })),
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

/** Alphanumeric (safe inline in YAML, INI and URLs); 32 characters are ~190 bits. */
export const PASSWORD = { length: 32, special: false } as const;
