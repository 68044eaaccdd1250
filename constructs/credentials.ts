import { Password } from "@cdktf/provider-random/lib/password";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { CertRequest } from "@cdktf/provider-tls/lib/cert-request";
import { LocallySignedCert } from "@cdktf/provider-tls/lib/locally-signed-cert";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { SelfSignedCert } from "@cdktf/provider-tls/lib/self-signed-cert";
import { Lazy, TerraformOutput } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { CA, CA_USAGES, HOST_CERTIFICATE, HOST_USAGES, HostCertificateSpec, KEY, OPERATOR_CLIENT, PASSWORD } from "./certificate-specs";
import type { Placeholder } from "./config/terraform-content";

export interface CredentialsProps {
  /** Certificates to issue, one per host (security/pki.ts hostCertificates). */
  readonly hosts: readonly HostCertificateSpec[];
  /** Client certificates for people (security/pki.ts OPERATOR_CERTIFICATE); the operator's is a sensitive output. @default [] */
  readonly clients?: readonly HostCertificateSpec[];
  /** Who gets a generated password (security/pki.ts passwordIdentities). */
  readonly passwordIdentities: readonly string[];
}

/**
 * The deployment's private CA, host certificates and generated passwords, all
 * made by Terraform (tls and random providers) in the hub stack. Values live
 * only in Terraform state: configs carry placeholders that become references,
 * and other stacks read them as (sensitive) cross-stack outputs.
 */
export class Credentials extends Construct {
  private readonly caKey: PrivateKey;
  private readonly ca: SelfSignedCert;
  /** The CA's key and certificate as tokens, made once: every host certificate refers to both (cdktf captures a stack trace per token). */
  private readonly caKeyPem: string;
  private readonly caCert: string;
  private readonly hostKeys = new Map<string, PrivateKey>();
  private readonly hostCerts = new Map<string, LocallySignedCert>();
  private readonly passwords = new Map<string, Password>();
  private readonly tokens = new Map<string, string>();
  /** Container names each host certificate answers to, as its services registered them. */
  private readonly servedNames = new Map<string, Set<string>>();

  constructor(scope: Construct, id: string, props: CredentialsProps) {
    super(scope, id);
    new TlsProvider(this, "tls");
    new RandomProvider(this, "random");

    this.caKey = new PrivateKey(this, "ca-key", { ...KEY });
    this.caKeyPem = this.caKey.privateKeyPem;
    this.ca = new SelfSignedCert(this, "ca", {
      privateKeyPem: this.caKeyPem,
      isCaCertificate: true,
      subject: [{ commonName: CA.commonName, organization: CA.organization }],
      validityPeriodHours: CA.validityHours,
      allowedUses: [...CA_USAGES],
    });
    this.caCert = this.ca.certPem;

    for (const spec of [...props.hosts, ...(props.clients ?? [])]) {
      if (this.hostCerts.has(spec.host)) throw new Error(`${this.node.path}: duplicate certificate name ${JSON.stringify(spec.host)}`);
      const key = new PrivateKey(this, `${spec.host}-key`, { ...KEY });
      const request = new CertRequest(this, `${spec.host}-request`, {
        privateKeyPem: key.privateKeyPem,
        subject: [{ commonName: spec.host, organization: CA.organization }],
        // The given names and the container names of the services that serve it, known once every stack is built.
        dnsNames: Lazy.listValue({ produce: () => [...new Set([...[...(this.servedNames.get(spec.host) ?? [])].sort(), ...spec.dnsNames])] }),
        ipAddresses: [...spec.ipAddresses],
      });
      this.hostKeys.set(spec.host, key);
      this.hostCerts.set(
        spec.host,
        new LocallySignedCert(this, `${spec.host}-cert`, {
          certRequestPem: request.certRequestPem,
          caPrivateKeyPem: this.caKeyPem,
          caCertPem: this.caCert,
          validityPeriodHours: HOST_CERTIFICATE.validityHours,
          earlyRenewalHours: HOST_CERTIFICATE.earlyRenewalHours,
          allowedUses: [...(spec.usages ?? HOST_USAGES)],
        }),
      );
    }

    for (const identity of props.passwordIdentities) {
      if (this.passwords.has(identity)) throw new Error(`${this.node.path}: duplicate password identity ${JSON.stringify(identity)}`);
      this.passwords.set(identity, new Password(this, `password-${identity}`, { ...PASSWORD }));
    }

    // What people need: the CA to trust (browsers, amtool) and their own password.
    new TerraformOutput(this, "ca_certificate", { value: this.caCert, description: "PEM of the private CA every endpoint's certificate chains to" }).overrideLogicalId("ca_certificate");
    if (this.passwords.has("operator"))
      new TerraformOutput(this, "operator_password", { value: this.passwords.get("operator")!.result, sensitive: true, description: "Basic-auth password of user operator (Prometheus, Alertmanager, pushgateway, exporters)" }).overrideLogicalId("operator_password");
    // The operator's client certificate (the Loki gateway's reads and test pushes; `npm run verify`).
    if (this.hostCerts.has(OPERATOR_CLIENT)) {
      new TerraformOutput(this, "operator_client_certificate", { value: this.hostCerts.get(OPERATOR_CLIENT)!.certPem, sensitive: true, description: "PEM of the operator's client certificate (CN operator)" }).overrideLogicalId("operator_client_certificate");
      new TerraformOutput(this, "operator_client_key", { value: this.hostKeys.get(OPERATOR_CLIENT)!.privateKeyPem, sensitive: true, description: "PEM private key of the operator's client certificate" }).overrideLogicalId("operator_client_key");
    }
  }

  /**
   * The cdktf token for a placeholder (`${password.x}`, `${bcrypt.x}`, `${tls.host.cert|key}`).
   * Cached: one token per value however many files use it (cdktf captures a stack trace per token).
   */
  token(placeholder: Placeholder, requester?: IConstruct): string {
    const key = JSON.stringify(placeholder);
    let token = this.tokens.get(key);
    try {
      if (token === undefined) this.tokens.set(key, (token = this.newToken(placeholder)));
    } catch (err) {
      // Name the construct whose config asked: that is where the mistake is.
      throw new Error(`${(requester ?? this).node.path}: ${(err as Error).message}`);
    }
    return token;
  }

  private newToken(placeholder: Placeholder): string {
    switch (placeholder.kind) {
      case "password":
        return this.lookup(this.passwords, placeholder.name, "password identity").result;
      case "bcrypt":
        return this.lookup(this.passwords, placeholder.name, "password identity").bcryptHash;
      case "tls":
        if (placeholder.name === "ca") {
          if (placeholder.part === "key") throw new Error("the CA's private key is never handed to a service");
          return this.caCert;
        }
        return placeholder.part === "cert" ? this.lookup(this.hostCerts, placeholder.name, "host certificate").certPem : this.lookup(this.hostKeys, placeholder.name, "host key").privateKeyPem;
      case "var":
        throw new Error(`\${var.${placeholder.name}} is a stack variable, not a generated credential`);
    }
  }

  /**
   * Adds a service's container name to a host certificate: clients on its
   * network dial it by that name. Fails, naming the service, for a host this
   * deployment issues no certificate to.
   */
  servesAs(host: string, name: string, requester: IConstruct): void {
    if (!this.hostCerts.has(host) || host === OPERATOR_CLIENT)
      throw new Error(`${requester.node.path}: serves the certificate of host ${JSON.stringify(host)}, which ${this.node.path} does not issue (hosts: ${[...this.hostCerts.keys()].filter((h) => h !== OPERATOR_CLIENT).join(", ")})`);
    this.servedNames.set(host, (this.servedNames.get(host) ?? new Set()).add(name));
  }

  /** The CA certificate (PEM), e.g. for the Grafana provider. */
  get caCertPem(): string {
    return this.caCert;
  }

  password(identity: string): Password {
    try {
      return this.lookup(this.passwords, identity, "password identity");
    } catch (err) {
      throw new Error(`${this.node.path}: ${(err as Error).message}`);
    }
  }

  private lookup<T>(map: Map<string, T>, name: string, what: string): T {
    const value = map.get(name);
    if (!value) throw new Error(`unknown ${what} ${JSON.stringify(name)}: ${this.node.path} has ${[...map.keys()].join(", ")} (add it to its hosts or passwordIdentities)`);
    return value;
  }
}
