// HTTPS requests to the deployment: the private CA from the hub's outputs is the
// only trust anchor (never the system store, never a skipped check), basic auth or
// the operator's client certificate, and the certificate each server presented.
// Credentials go into headers and TLS options only: no message built here
// contains them.
import { request as httpRequest, IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { TLSSocket } from "node:tls";
import { CheckFailure } from "./types";

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

export interface RequestOptions {
  readonly method?: "GET" | "POST";
  readonly auth?: Credentials;
  /** Client certificate and key (PEM). */
  readonly cert?: string;
  readonly key?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

export interface PeerCertificate {
  readonly subject: string;
  /** Expiry, ms since the epoch. */
  readonly validTo: number;
}

export interface Response {
  readonly status: number;
  readonly body: string;
  /** The server's certificate (HTTPS only). */
  readonly certificate?: PeerCertificate;
}

/** Requests trusting `ca` only; records every server certificate seen, by origin. */
export class HttpClient {
  /** Certificates servers presented, by `host:port`. */
  readonly certificates = new Map<string, PeerCertificate>();

  constructor(private readonly ca: string) {}

  request(url: string, options: RequestOptions = {}): Promise<Response> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.auth) headers.authorization = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString("base64")}`;
    if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const where = `${target.origin}${target.pathname}`;
    return new Promise((resolve, reject) => {
      const req = send(
        target,
        { method: options.method ?? "GET", headers, ca: this.ca, cert: options.cert, key: options.key, agent: false, timeout: options.timeoutMs ?? 10_000 },
        (res: IncomingMessage) => {
          const certificate = peerCertificate(res);
          if (certificate) this.certificates.set(target.host, certificate);
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body, certificate }));
          res.on("error", (err) => reject(connectionFailure(where, err)));
        },
      );
      req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
      req.on("error", (err) => reject(connectionFailure(where, err)));
      if (options.body !== undefined) req.write(options.body);
      req.end();
    });
  }

  /** GET (or POST) expecting 2xx and JSON; other statuses become CheckFailures that say what to do. */
  async json<T>(url: string, options: RequestOptions & { service: string } ): Promise<T> {
    const res = await this.request(url, options);
    if (res.status < 200 || res.status > 299) throw statusFailure(options.service, url, res, options.auth?.user);
    try {
      return JSON.parse(res.body) as T;
    } catch {
      throw new CheckFailure(`${options.service} answered ${url} with something other than JSON: ${excerpt(res.body)}`, `is ${new URL(url).host} really ${options.service}? Check hub.publish in the inventory`);
    }
  }
}

function peerCertificate(res: IncomingMessage): PeerCertificate | undefined {
  const socket = res.socket as TLSSocket;
  if (typeof socket?.getPeerCertificate !== "function") return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.valid_to) return undefined;
  return { subject: cert.subject?.CN ?? "", validTo: Date.parse(cert.valid_to) };
}

/** The first 200 characters of a body, on one line. */
export function excerpt(body: string): string {
  const line = body.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line || "(empty)";
}

const TLS_TRUST_ERRORS = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** A request that got no HTTP answer, with what usually causes it. */
export function connectionFailure(where: string, err: Error & { code?: string }): CheckFailure {
  const code = err.code ?? "";
  const host = new URL(where).host;
  if (code === "ECONNREFUSED") return new CheckFailure(`nothing listens at ${host} (connection refused)`, `is the container running (docker ps on the host) and published at that address (hub.publish in the inventory)?`, true);
  if (["ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET"].includes(code))
    return new CheckFailure(`no answer from ${host} (${err.message})`, "is the host up and reachable from here (network, firewall, VPN)?", true);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new CheckFailure(`cannot resolve ${host}`, "check the address in the inventory and this machine's DNS", true);
  if (code === "CERT_HAS_EXPIRED") return new CheckFailure(`${host} serves an expired certificate`, "npm run deploy -- hub issues new certificates (then deploy every edge stack)", true);
  if (TLS_TRUST_ERRORS.has(code))
    return new CheckFailure(`${host} serves a certificate the deployment's CA does not vouch for (${err.message})`, "the outputs belong to another deployment, or the service runs an old certificate: npm run deploy -- hub", true);
  return new CheckFailure(`request to ${where} failed: ${err.message}`, "check the service's logs (docker logs <service>) and the address in the inventory", true);
}

/** A non-2xx answer: 401 means the password was refused, which is the usual trouble. */
export function statusFailure(service: string, url: string, res: Response, user?: string): CheckFailure {
  const path = new URL(url).pathname;
  if (res.status === 401)
    return new CheckFailure(
      `${service} refused ${user ? `user ${user}'s password` : "the request without credentials"} (HTTP 401 on ${path})`,
      user === "admin"
        ? "is TF_VAR_grafana_admin_password the password Grafana was deployed with?"
        : "the outputs are stale or from another deployment (terraform output operator_password), or the web config was not deployed: npm run deploy -- hub",
      true,
    );
  if (res.status === 403) return new CheckFailure(`${service} forbids ${path} (HTTP 403): ${excerpt(res.body)}`, "the deployed config predates this check: npm run deploy -- hub");
  return new CheckFailure(`${service} answered ${path} with HTTP ${res.status}: ${excerpt(res.body)}`, `docker logs ${service} on the hub`);
}
