// A loopback HTTP server answering canned API responses, for unit tests of
// verify's checks (the real binaries are in __tests__/real/verify.test.ts).
import { createServer, IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { EndpointMap, Service } from "../../scripts/verify/endpoints";
import { SERVICES } from "../../scripts/verify/endpoints";

export interface Answer {
  readonly status?: number;
  /** An object is sent as JSON. */
  readonly body?: unknown;
}

export interface FakeApi {
  readonly url: string;
  /** Every request: method, path with query, body. */
  readonly requests: { method: string; path: string; body: string }[];
  close(): Promise<void>;
}

export async function fakeApi(answer: (req: IncomingMessage, url: URL, body: string) => Answer | undefined): Promise<FakeApi> {
  const requests: FakeApi["requests"] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      requests.push({ method: req.method ?? "GET", path: `${url.pathname}${url.search}`, body });
      const a = answer(req, url, body) ?? { status: 404, body: "404 page not found\n" };
      const text = typeof a.body === "string" ? a.body : a.body === undefined ? "" : JSON.stringify(a.body);
      res.writeHead(a.status ?? 200, { "content-type": typeof a.body === "string" ? "text/plain" : "application/json" });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

/** Endpoints with the given base URLs; every other service unreachable. */
export function endpointsOf(urls: Partial<Record<Service, string>>): EndpointMap {
  return Object.fromEntries(SERVICES.map((s) => [s, urls[s] ? { service: s, url: urls[s], via: urls[s]! } : { service: s, via: "not published", unreachable: `${s} is not published` }])) as unknown as EndpointMap;
}

/** A Prometheus API answer. */
export const success = (data: unknown): Answer => ({ body: { status: "success", data } });
