// What the private CA issues, as plain data. Credentials turns it into `tls_*` and
// `random_password` resources; tests turn the same specs into openssl commands, so
// what a suite runs against is what Terraform issues.

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

/** CN of the operator's client certificate (`npm run verify` pushes and reads through the Loki gateway with it); Credentials outputs it when issued. */
export const OPERATOR_CLIENT = "operator";

/** Alphanumeric (safe inline in YAML, INI and URLs); 32 characters are ~190 bits. */
export const PASSWORD = { length: 32, special: false } as const;
