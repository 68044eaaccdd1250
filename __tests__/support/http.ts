// HTTP(S) requests for tests against TLS endpoints with the test CA, basic
// auth and client certificates (global fetch cannot take a custom CA).
import { createServer, IncomingMessage, request as httpRequest, Server } from "node:http";
import { freePort } from "./processes";
import { request as httpsRequest } from "node:https";

export interface RequestOptions {
  readonly method?: string;
  readonly ca?: string;
  readonly auth?: { readonly user: string; readonly password: string };
  /** Client certificate and key (PEM), for the gateways. */
  readonly cert?: string;
  readonly key?: string;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
}

export interface Response {
  readonly status: number;
  readonly body: string;
}

/** One request; rejects when the connection or TLS handshake fails (no certificate check is ever skipped). */
export function request(url: string, options: RequestOptions = {}): Promise<Response> {
  const target = new URL(url);
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.auth) headers.authorization = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString("base64")}`;
  if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      { method: options.method ?? "GET", headers, ca: options.ca, cert: options.cert, key: options.key, agent: false, timeout: 10_000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${url}: timed out`)));
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** The status, or the error message when no HTTP exchange happened (refused handshake). */
export async function statusOf(url: string, options: RequestOptions = {}): Promise<number | string> {
  try {
    return (await request(url, options)).status;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * A plain HTTP stand-in on 127.0.0.1 (a receiver, a push endpoint) answering each
 * request with `handler`'s status; added to `servers`, which the test closes.
 */
export async function listenOnLoopback(servers: Server[], handler: (req: IncomingMessage, body: string) => number): Promise<number> {
  const port = await freePort();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      res.statusCode = handler(req, body);
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return port;
}
