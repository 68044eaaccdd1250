// A Grafana stand-in for tests (Grafana cannot run here): an HTTPS server with
// the certificate Grafana serves, answering the parts of Grafana's documented
// HTTP API that verify uses, with Grafana's response shapes:
//   GET /api/health                          {"database":"ok","version":...} (no login)
//   GET /api/datasources                     the datasources, as the grafana stack provisions them (admin, basic auth)
//   GET /api/datasources/uid/<uid>/health    200 {"status":"OK","message":...} or 400 {"status":"ERROR","message":...}
// Like Grafana's "Save & test", a datasource's health is a real request to its
// backend with the datasource's own credentials: Prometheus and Alertmanager over
// TLS as user grafana, Loki directly (the internal network). Docker names in
// the datasources' URLs map to loopback addresses.
import { createServer, Server } from "node:https";
import { request } from "./http";

export interface GrafanaDataSource {
  readonly uid: string;
  readonly name: string;
  readonly type: string;
  /** As provisioned: https://prometheus:9090, http://loki:3100, ... */
  readonly url: string;
}

export interface GrafanaStandInOptions {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
  readonly adminPassword: string;
  readonly dataSources: readonly GrafanaDataSource[];
  /** Docker name:port → loopback base URL (https://127.0.0.1:20001). */
  readonly addresses: Readonly<Record<string, string>>;
  /** The datasources' basic-auth password (user grafana). */
  datasourcePassword: string;
}

export class GrafanaStandIn {
  private server?: Server;

  constructor(readonly o: GrafanaStandInOptions) {}

  async listen(port: number): Promise<void> {
    this.server = createServer({ cert: this.o.cert, key: this.o.key }, async (req, res) => {
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      const url = new URL(req.url ?? "/", "https://grafana");
      if (url.pathname === "/api/health") return send(200, { commit: "stand-in", database: "ok", version: "13.2.3" });
      const expected = `Basic ${Buffer.from(`admin:${this.o.adminPassword}`).toString("base64")}`;
      if (req.headers.authorization !== expected) return send(401, { message: "Invalid username or password" });
      if (url.pathname === "/api/datasources")
        return send(200, this.o.dataSources.map((d, i) => ({ id: i + 1, orgId: 1, uid: d.uid, name: d.name, type: d.type, access: "proxy", url: d.url, isDefault: d.type === "prometheus", readOnly: false })));
      const health = /^\/api\/datasources\/uid\/([^/]+)\/health$/.exec(url.pathname);
      if (health) {
        const source = this.o.dataSources.find((d) => d.uid === health[1]);
        if (!source) return send(404, { message: "Data source not found" });
        const result = await this.check(source);
        return send(result.ok ? 200 : 400, { status: result.ok ? "OK" : "ERROR", message: result.message });
      }
      send(404, { message: "Not found" });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
  }

  private async check(source: GrafanaDataSource): Promise<{ ok: boolean; message: string }> {
    const target = new URL(source.url);
    const base = this.o.addresses[target.host];
    if (!base) return { ok: false, message: `dial tcp: lookup ${target.hostname}: no such host` };
    const auth = { user: "grafana", password: this.o.datasourcePassword };
    const probe = { prometheus: "/api/v1/query?query=1%2B1", alertmanager: "/api/v2/status", loki: "/loki/api/v1/labels" }[source.type];
    if (!probe) return { ok: false, message: `plugin ${source.type} unknown to the stand-in` };
    try {
      const res = await request(`${base}${probe}`, { ca: this.o.ca, ...(source.type === "loki" ? {} : { auth }) });
      const ok = res.status === 200;
      const messages: Record<string, [string, string]> = {
        prometheus: ["Successfully queried the Prometheus API.", `There was an error returned querying the Prometheus API. (HTTP ${res.status})`],
        alertmanager: ["Health check passed.", `Unexpected status code: ${res.status}`],
        loki: ["Data source successfully connected.", "Unable to connect with Loki. Please check the server logs for more details."],
      };
      return { ok, message: messages[source.type][ok ? 0 : 1] };
    } catch (err) {
      return { ok: false, message: `Post "${source.url}": ${(err as Error).message}` };
    }
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
