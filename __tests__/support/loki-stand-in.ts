// A Loki stand-in for tests (Loki cannot run here): a loopback HTTP server that
// answers the parts of Loki's documented HTTP API that verify and Grafana use,
// with Loki's response shapes:
//   GET  /ready                      200 "ready", or 503 "Ingester not ready: ..." while not ready
//   POST /loki/api/v1/push           JSON streams ({"streams":[{"stream":{...},"values":[["<ns>","line"]]}]}), 204
//   GET  /loki/api/v1/query_range    {"status":"success","data":{"resultType":"streams","result":[...]}}
//   GET  /loki/api/v1/labels         {"status":"success","data":[...]}
//   GET  /prometheus/api/v1/rules    the ruler's groups in Prometheus's format, from the rendered rule files
// Queries are only what verify sends: equality matchers and `|=` line filters
// (`{a="x",b="y"} |= "text"`); anything else is a 400 like Loki's parse error.
import { createServer, Server } from "node:http";
import { parse } from "yaml";

export interface Stream {
  readonly stream: Record<string, string>;
  readonly values: [string, string][];
}

export class LokiStandIn {
  readonly streams: Stream[] = [];
  /** While set, /ready answers 503 with this reason. */
  notReady?: string;
  private server?: Server;

  /** @param ruleFiles rendered Loki rule files (YAML), served as the ruler's loaded groups. */
  constructor(private readonly ruleFiles: readonly { file: string; yaml: string }[]) {}

  async listen(port: number): Promise<void> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://loki");
        const send = (status: number, payload?: unknown, type = "application/json") => {
          res.writeHead(status, payload === undefined ? {} : { "content-type": type });
          res.end(payload === undefined ? undefined : typeof payload === "string" ? payload : JSON.stringify(payload));
        };
        if (req.method === "GET" && url.pathname === "/ready") return this.notReady ? send(503, `${this.notReady}\n`, "text/plain") : send(200, "ready\n", "text/plain");
        if (req.method === "POST" && url.pathname === "/loki/api/v1/push") {
          if (!/application\/json/.test(req.headers["content-type"] ?? "")) return send(415, "this stand-in takes JSON pushes only\n", "text/plain");
          try {
            for (const s of JSON.parse(body).streams as Stream[]) this.streams.push({ stream: s.stream, values: s.values });
          } catch (err) {
            return send(400, `loghttp.PushRequest: ${(err as Error).message}\n`, "text/plain");
          }
          return send(204);
        }
        if (req.method === "GET" && url.pathname === "/loki/api/v1/query_range") {
          const query = parseQuery(url.searchParams.get("query") ?? "");
          if (!query) return send(400, "parse error: this stand-in knows {label=\"value\",...} |= \"text\" only\n", "text/plain");
          const start = BigInt(url.searchParams.get("start") ?? "0");
          const end = BigInt(url.searchParams.get("end") ?? `${BigInt(Date.now()) * 1_000_000n}`);
          const limit = Number(url.searchParams.get("limit") ?? 100);
          const result = this.streams
            .filter((s) => Object.entries(query.matchers).every(([k, v]) => s.stream[k] === v))
            .map((s) => ({ stream: s.stream, values: s.values.filter(([ts, line]) => BigInt(ts) >= start && BigInt(ts) <= end && query.contains.every((c) => line.includes(c))).slice(0, limit) }))
            .filter((s) => s.values.length > 0);
          return send(200, { status: "success", data: { resultType: "streams", result, stats: {} } });
        }
        if (req.method === "GET" && url.pathname === "/loki/api/v1/labels")
          return send(200, { status: "success", data: [...new Set(this.streams.flatMap((s) => Object.keys(s.stream)))].sort() });
        if (req.method === "GET" && url.pathname === "/prometheus/api/v1/rules") return send(200, { status: "success", data: { groups: this.groups() } });
        send(404, "404 page not found\n", "text/plain");
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
  }

  private groups() {
    return this.ruleFiles.flatMap(({ file, yaml }) =>
      (parse(yaml).groups as { name: string; rules: { alert: string; expr: string; labels?: object; annotations?: object }[] }[]).map((g) => ({
        name: g.name,
        file,
        interval: 60,
        rules: g.rules.map((r) => ({ state: "inactive", name: r.alert, query: r.expr, duration: 0, labels: r.labels ?? {}, annotations: r.annotations ?? {}, alerts: [], health: "ok", lastError: "", type: "alerting" })),
      })),
    );
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}

function parseQuery(query: string): { matchers: Record<string, string>; contains: string[] } | undefined {
  const m = /^\{([^}]*)\}((?:\s*\|=\s*"(?:[^"\\]|\\.)*")*)\s*$/.exec(query.trim());
  if (!m) return undefined;
  const matchers: Record<string, string> = {};
  for (const part of m[1].split(",").map((p) => p.trim()).filter(Boolean)) {
    const kv = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"$/.exec(part);
    if (!kv) return undefined;
    matchers[kv[1]] = kv[2];
  }
  const contains = [...m[2].matchAll(/\|=\s*"((?:[^"\\]|\\.)*)"/g)].map((c) => c[1].replace(/\\(.)/g, "$1"));
  return { matchers, contains };
}
