// Grafana, through its HTTP API as admin: every datasource the grafana stack
// provisions exists and passes Grafana's own health check
// (GET /api/datasources/uid/<uid>/health, what "Save & test" calls).
import { DATASOURCE_UIDS } from "../../../dashboards/common";
import type { Context } from "../context";
import { excerpt } from "../http";
import { CheckFailure, fail, Outcome, pass } from "../types";

interface DataSource {
  readonly uid: string;
  readonly name: string;
  readonly type: string;
}

export async function grafanaDatasources(ctx: Context): Promise<Outcome> {
  if (!ctx.grafanaPassword)
    return fail("no Grafana admin password to log in with", "export TF_VAR_grafana_admin_password (the one npm run deploy uses) before npm run verify");
  const auth = { user: "admin", password: ctx.grafanaPassword };
  const health = await ctx.api<{ database?: string; version?: string }>("grafana", "/api/health");
  if (health.database !== undefined && health.database !== "ok")
    return fail(`Grafana ${health.version ?? ""} reports its database ${health.database}`, "docker logs grafana on the hub; is the grafana-data volume's directory writable by uid 472?");
  const sources = await ctx.api<DataSource[]>("grafana", "/api/datasources", { auth });
  const expected = Object.values(DATASOURCE_UIDS);
  const missing = expected.filter((uid) => !sources.some((s) => s.uid === uid));
  if (missing.length > 0) return fail(`Grafana lacks datasource${missing.length === 1 ? "" : "s"} ${missing.join(", ")}`, "npm run deploy -- grafana (after the hub)");
  const unhealthy: string[] = [];
  for (const uid of expected) {
    const res = await ctx.http.request(`${ctx.url("grafana")}/api/datasources/uid/${uid}/health`, { auth });
    let answer: { status?: string; message?: string } = {};
    try {
      answer = JSON.parse(res.body);
    } catch {
      // reported below with the raw body
    }
    if (res.status === 401) throw new CheckFailure("Grafana refused the admin password (HTTP 401)", "is TF_VAR_grafana_admin_password the password Grafana was deployed with?");
    if (res.status !== 200 || answer.status !== "OK") unhealthy.push(`${uid}: ${excerpt(answer.message ?? res.body)}`);
  }
  if (unhealthy.length > 0)
    return fail(`datasource${unhealthy.length === 1 ? "" : "s"} failing Grafana's health check: ${unhealthy.join("; ")}`, "Grafana reaches them by name on the hub's networks as user grafana: are those containers up (see hub), and was the grafana stack deployed after the hub's last credentials change?");
  return pass(`Grafana ${health.version ?? ""} at ${ctx.endpoint("grafana").via}: datasources ${expected.join(", ")} healthy`.replace("  ", " "));
}
