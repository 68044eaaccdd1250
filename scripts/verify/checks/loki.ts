// Loki, through its TLS gateway with the operator's client certificate: ready,
// a test line pushed and read back by a query, the ruler's groups loaded. The
// gateway lets the operator's certificate (and only it) read; hosts may only push.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Context } from "../context";
import { excerpt, RequestOptions } from "../http";
import { CheckFailure, fail, Outcome, pass } from "../types";
import { HUB_LABELS } from "../../../stacks/hub-stack";
import { rulesHealthy } from "./prometheus";

/** Labels of verify's test lines: the hub's site, the operator as device, low cardinality like every stream. */
export const TEST_STREAM = { site: HUB_LABELS.site, device: "operator", service: "verify", severity: "info" } as const;

function clientCertificate(ctx: Context): RequestOptions {
  const { operatorClientCertificate: cert, operatorClientKey: key } = ctx.outputs;
  if (!cert || !key)
    throw new CheckFailure("the hub's outputs have no operator client certificate (operator_client_certificate, operator_client_key)", "deploy the hub with this version (npm run deploy -- hub), which issues it", true);
  return { cert, key };
}

/** A gateway refusal explained: no certificate, a certificate not on its list, or a gateway older than its read routes. */
function gatewayFailure(status: number, body: string, path: string): CheckFailure {
  if (status === 400) return new CheckFailure(`Loki's gateway wanted a client certificate on ${path} (HTTP 400)`, "the operator certificate from the outputs was not accepted: deploy the hub with this version", true);
  if (status === 403) return new CheckFailure(`Loki's gateway refused the operator certificate on ${path} (HTTP 403)`, "the deployed gateway predates the operator's routes, or the outputs are stale: npm run deploy -- hub", true);
  if (status === 404) return new CheckFailure(`Loki's gateway has no route ${path} (HTTP 404)`, "the deployed gateway predates the operator's routes: npm run deploy -- hub", true);
  if (status === 502 || status === 504) return new CheckFailure(`Loki's gateway cannot reach Loki (HTTP ${status})`, "is the loki container running (docker ps, docker logs loki on the hub)?", true);
  return new CheckFailure(`Loki answered ${path} with HTTP ${status}: ${excerpt(body)}`, "docker logs loki on the hub");
}

async function lokiGet(ctx: Context, path: string): Promise<string> {
  const res = await ctx.http.request(`${ctx.url("loki")}${path}`, clientCertificate(ctx));
  if (res.status !== 200) throw gatewayFailure(res.status, res.body, path.split("?")[0]);
  return res.body;
}

export async function lokiReady(ctx: Context): Promise<Outcome> {
  const res = await ctx.http.request(`${ctx.url("loki")}/ready`, clientCertificate(ctx));
  if (res.status === 503) return fail(`Loki is not ready: ${excerpt(res.body)}`, "it may still be starting (a minute after a restart); else docker logs loki on the hub");
  if (res.status !== 200) throw gatewayFailure(res.status, res.body, "/ready");
  return pass(`ready behind its gateway at ${ctx.endpoint("loki").via}`);
}

interface QueryRange {
  readonly status: string;
  readonly data: { readonly resultType: string; readonly result: readonly { readonly stream: Record<string, string>; readonly values: readonly [string, string][] }[] };
}

/** Pushes one line with a fresh marker through the gateway, then queries until it is read back. */
export async function lokiRoundTrip(ctx: Context): Promise<Outcome> {
  const marker = randomBytes(8).toString("hex");
  const pushedAt = ctx.now();
  const line = `home-observability verify test line ${marker} from ${hostname()}`;
  const body = JSON.stringify({ streams: [{ stream: TEST_STREAM, values: [[`${BigInt(pushedAt) * 1_000_000n}`, line]] }] });
  const push = await ctx.http.request(`${ctx.url("loki")}/loki/api/v1/push`, {
    ...clientCertificate(ctx),
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
  });
  if (push.status !== 204 && push.status !== 200) throw gatewayFailure(push.status, push.body, "/loki/api/v1/push");

  const selector = Object.entries(TEST_STREAM).map(([k, v]) => `${k}="${v}"`).join(",");
  const query = `{${selector}} |= "${marker}"`;
  const start = `${BigInt(pushedAt - 60_000) * 1_000_000n}`;
  const deadline = Date.now() + ctx.settings.lokiReadTimeoutMs;
  for (;;) {
    const end = `${BigInt(ctx.now() + 60_000) * 1_000_000n}`;
    const text = await lokiGet(ctx, `/loki/api/v1/query_range?query=${encodeURIComponent(query)}&start=${start}&end=${end}&limit=10&direction=backward`);
    let answer: QueryRange;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new CheckFailure(`Loki's query answer is not JSON: ${excerpt(text)}`, "docker logs loki on the hub");
    }
    if (answer.data?.result?.some((s) => s.values.some(([, l]) => l === line)))
      return pass(`pushed a line with the operator certificate and read it back in ${((ctx.now() - pushedAt) / 1000).toFixed(1)} s`);
    if (Date.now() > deadline)
      return fail(`pushed a line (HTTP ${push.status}) but a query did not return it within ${ctx.settings.lokiReadTimeoutMs / 1000} s`, "Loki accepts but does not store or serve lines: docker logs loki on the hub (ingester, disk full?)");
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function lokiRules(ctx: Context, expected: readonly string[]): Promise<Outcome> {
  const text = await lokiGet(ctx, "/prometheus/api/v1/rules");
  let groups;
  try {
    groups = JSON.parse(text).data.groups;
  } catch {
    throw new CheckFailure(`Loki's ruler answered something other than its rules: ${excerpt(text)}`, "docker logs loki on the hub");
  }
  return rulesHealthy("Loki's ruler", groups, expected, "npm run deploy -- hub");
}
