// What every check gets: the inventory, the hub's outputs, the endpoints and an
// HTTPS client trusting the deployment's CA, plus API helpers that remember when
// a service did not answer (later checks say "not checked" instead of timing out
// again).
import type { Inventory } from "../../inventory/schema";
import type { Endpoint, EndpointMap, Service } from "./endpoints";
import { Credentials, HttpClient, RequestOptions, statusFailure } from "./http";
import { parseMetrics, Sample } from "./metrics";
import type { HubOutputs } from "./outputs";
import { CheckFailure } from "./types";

export interface VerifySettings {
  /** Window in which failures count (notifications), as a Prometheus duration. */
  readonly window: string;
  /** A push node's newest sample may be this old. */
  readonly freshnessSeconds: number;
  /** A certificate with fewer days left fails (CertificateExpiresSoon's threshold). */
  readonly certificateDays: number;
  /** How long a pushed log line may take to be readable. */
  readonly lokiReadTimeoutMs: number;
}

export interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

const SERVICE_NAMES: Record<Service, string> = {
  prometheus: "Prometheus",
  alertmanager: "Alertmanager",
  pushgateway: "the pushgateway",
  loki: "Loki's gateway",
  grafana: "Grafana",
  nodeExporter: "node_exporter",
};

export class Context {
  readonly http: HttpClient;
  private readonly down = new Map<Service, CheckFailure>();
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    readonly inventory: Inventory,
    readonly outputs: HubOutputs,
    readonly endpoints: EndpointMap,
    readonly settings: VerifySettings,
    /** The Grafana admin password (TF_VAR_grafana_admin_password), for the Grafana API. */
    readonly grafanaPassword?: string,
    readonly now: () => number = Date.now,
  ) {
    this.http = new HttpClient(outputs.caCertificate);
  }

  get operator(): Credentials {
    return { user: "operator", password: this.outputs.operatorPassword };
  }

  endpoint(service: Service): Endpoint {
    return this.endpoints[service];
  }

  /** Base URL of a service, or a failure saying why it cannot be reached. */
  url(service: Service): string {
    const e = this.endpoints[service];
    if (!e.url) throw new CheckFailure(`cannot reach ${SERVICE_NAMES[service]} from here`, e.unreachable ?? "publish it in hub.publish", true);
    return e.url;
  }

  /**
   * A JSON API call; the first connection or authentication failure of a service is
   * remembered and every later call fails at once with it ("not checked").
   */
  async api<T>(service: Service, path: string, options: RequestOptions = {}): Promise<T> {
    const known = this.down.get(service);
    if (known) throw new CheckFailure(`not checked: ${known.message}`, known.fix);
    try {
      return await this.http.json<T>(`${this.url(service)}${path}`, { ...options, service: SERVICE_NAMES[service] });
    } catch (err) {
      if (err instanceof CheckFailure && err.blocking) this.down.set(service, err);
      throw err;
    }
  }

  /** A Prometheus API call as the operator; `data` of the answer. */
  async prometheus<T>(path: string): Promise<T> {
    const body = await this.api<{ status: string; data: T; error?: string }>("prometheus", path, { auth: this.operator });
    if (body.status !== "success") throw new CheckFailure(`Prometheus answered ${path} with an error: ${body.error ?? "unknown"}`, "docker logs prometheus on the hub");
    return body.data;
  }

  /** An instant query; numbers as numbers. */
  async query(expr: string): Promise<VectorSample[]> {
    const data = await this.prometheus<{ resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`);
    return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** Once per run: the same answer for every check that asks (targets, rules). */
  once<T>(key: string, produce: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) this.memo.set(key, (p = produce()));
    return p;
  }

  async alertmanager<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.api<T>("alertmanager", path, { auth: this.operator, ...options });
  }

  /** Alertmanager's own /metrics (its notification counters), read fresh every call. */
  async alertmanagerMetrics(): Promise<Sample[]> {
    const known = this.down.get("alertmanager");
    if (known) throw new CheckFailure(`not checked: ${known.message}`, known.fix);
    const url = `${this.url("alertmanager")}/metrics`;
    const res = await this.http.request(url, { auth: this.operator });
    if (res.status !== 200) throw statusFailure("Alertmanager", url, res, "operator");
    return parseMetrics(res.body);
  }
}
