// Test credentials made the way the hub stack makes them: the same certificate
// specs (security/pki.ts) through openssl instead of Terraform's tls provider,
// and bcrypt (cost 10, as random_password's bcrypt_hash) through bcryptjs.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashSync } from "bcryptjs";
import { randomBytes } from "node:crypto";
import type { Placeholder } from "../../constructs/config/terraform-content";
import { CA, CA_USAGES, HOST_CERTIFICATE, HOST_USAGES, HostCertificateSpec, KEY, PASSWORD } from "../../security/pki";

export interface TestPki {
  readonly caCert: string;
  readonly hosts: ReadonlyMap<string, { readonly cert: string; readonly key: string }>;
  readonly passwords: ReadonlyMap<string, string>;
  readonly hashes: ReadonlyMap<string, string>;
  /** The value a placeholder stands for (secret variables come from `variables`). */
  value(placeholder: Placeholder): string;
}

// x509v3 names of the tls provider's allowed_uses.
const KEY_USAGE: Record<string, string> = { digital_signature: "digitalSignature", key_encipherment: "keyEncipherment", cert_signing: "keyCertSign", crl_signing: "cRLSign" };
const EXTENDED_KEY_USAGE: Record<string, string> = { server_auth: "serverAuth", client_auth: "clientAuth" };

function usages(allowed: readonly string[]): string[] {
  const key = allowed.flatMap((u) => (KEY_USAGE[u] ? [KEY_USAGE[u]] : []));
  const extended = allowed.flatMap((u) => (EXTENDED_KEY_USAGE[u] ? [EXTENDED_KEY_USAGE[u]] : []));
  return [`keyUsage=critical,${key.join(",")}`, ...(extended.length > 0 ? [`extendedKeyUsage=${extended.join(",")}`] : [])];
}

const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
const curve = () => {
  if (KEY.algorithm !== "ECDSA" || KEY.ecdsaCurve !== "P256") throw new Error(`test PKI only makes ECDSA P256 keys, the stack asks for ${JSON.stringify(KEY)}`);
  return "prime256v1";
};
const days = (hours: number) => String(Math.ceil(hours / 24));

/** The tls provider writes ECDSA keys as SEC1 ("EC PRIVATE KEY"); so does this. */
function newKey(path: string): void {
  openssl(["ecparam", "-name", curve(), "-genkey", "-noout", "-out", path]);
}

/**
 * A CA, a certificate per host spec, and a password (with its bcrypt hash) per
 * identity, written under `dir`. Wrong-password tests use passwords not listed here.
 */
export function createTestPki(dir: string, hosts: readonly HostCertificateSpec[], identities: readonly string[]): TestPki {
  mkdirSync(dir, { recursive: true });
  const caKey = join(dir, "ca.key");
  const caCert = join(dir, "ca.pem");
  newKey(caKey);
  openssl([
    "req", "-x509", "-new", "-key", caKey, "-out", caCert, "-days", days(CA.validityHours),
    "-subj", `/O=${CA.organization}/CN=${CA.commonName}`,
    "-addext", "basicConstraints=critical,CA:TRUE",
    ...usages(CA_USAGES).flatMap((u) => ["-addext", u]),
  ]);
  const issued = new Map<string, { cert: string; key: string }>();
  for (const spec of hosts) {
    const key = join(dir, `${spec.host}.key`);
    const csr = join(dir, `${spec.host}.csr`);
    const cert = join(dir, `${spec.host}.pem`);
    const ext = join(dir, `${spec.host}.ext`);
    newKey(key);
    openssl(["req", "-new", "-key", key, "-out", csr, "-subj", `/O=${CA.organization}/CN=${spec.host}`]);
    const names = [...spec.dnsNames.map((d) => `DNS:${d}`), ...spec.ipAddresses.map((ip) => `IP:${ip}`)];
    // A client certificate (the operator's) has no names to serve.
    const altNames = names.length > 0 ? [`subjectAltName=${names.join(",")}`] : [];
    writeFileSync(ext, ["basicConstraints=CA:FALSE", ...altNames, ...usages(spec.usages ?? HOST_USAGES)].join("\n") + "\n");
    openssl(["x509", "-req", "-in", csr, "-CA", caCert, "-CAkey", caKey, "-CAcreateserial", "-out", cert, "-days", days(HOST_CERTIFICATE.validityHours), "-extfile", ext]);
    issued.set(spec.host, { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") });
  }
  const passwords = new Map(identities.map((who) => [who, testPassword()]));
  const hashes = new Map([...passwords].map(([who, pw]) => [who, hashSync(pw, 10)]));
  const ca = readFileSync(caCert, "utf8");
  return {
    caCert: ca,
    hosts: issued,
    passwords,
    hashes,
    value(p) {
      const need = <T>(v: T | undefined, what: string): T => {
        if (v === undefined) throw new Error(`test PKI has no ${what} for ${JSON.stringify(p)}`);
        return v;
      };
      if (p.kind === "password") return need(passwords.get(p.name), "password");
      if (p.kind === "bcrypt") return need(hashes.get(p.name), "hash");
      if (p.kind === "tls") return p.name === "ca" ? ca : need(issued.get(p.name), "host")[p.part];
      throw new Error(`test PKI does not hold secret variables (${p.name})`);
    },
  };
}

/** Alphanumeric like random_password with special = false. */
export function testPassword(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(PASSWORD.length)].map((b) => alphabet[b % alphabet.length]).join("");
}
