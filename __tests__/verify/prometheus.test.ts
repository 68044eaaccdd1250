// Checks through the hub's Prometheus, against canned answers of its HTTP API.
import { daysLeft, probedCertificate, remoteWriteFresh, rulesHealthy, targetsUp } from "../../scripts/verify/checks/prometheus";
import { Context } from "../../scripts/verify/context";
import { endpointsOf, FakeApi, fakeApi, success } from "../support/fake-api";
import { exampleInventory } from "../support/example";

const SETTINGS = { window: "10m", freshnessSeconds: 120, certificateDays: 21, lokiReadTimeoutMs: 1000 };
const NOW = Date.parse("2026-12-01T12:00:00Z");

describe("verify: Prometheus checks", () => {
  let api: FakeApi;
  let queries: Record<string, unknown[]>;
  let ctx: Context;
  beforeAll(async () => {
    api = await fakeApi((_req, url) => {
      if (url.pathname === "/api/v1/targets")
        return success({
          activeTargets: [
            { labels: { job: "node-exporter", instance: "192.168.1.21:9100", site: "home", node: "porch", service: "node-exporter" }, scrapePool: "node-exporter", scrapeUrl: "https://192.168.1.21:9100/metrics", health: "down", lastError: 'Get "https://192.168.1.21:9100/metrics": dial tcp 192.168.1.21:9100: connect: connection refused' },
            { labels: { job: "blackbox-exporter", instance: "192.168.1.21:9115", site: "home", node: "porch", service: "blackbox-exporter" }, scrapePool: "blackbox-exporter", scrapeUrl: "", health: "up", lastError: "" },
            { labels: { job: "edge-agent", instance: "192.168.1.21:9443", site: "home", node: "porch", service: "edge-agent" }, scrapePool: "edge-agent", scrapeUrl: "", health: "unknown", lastError: "" },
            { labels: { job: "prometheus", instance: "localhost:9090", site: "hub", node: "hub", service: "prometheus" }, scrapePool: "prometheus", scrapeUrl: "", health: "up", lastError: "" },
          ],
        });
      if (url.pathname === "/api/v1/query") return success({ resultType: "vector", result: queries[url.searchParams.get("query")!] ?? [] });
      return undefined;
    });
    ctx = new Context(exampleInventory(), { caCertificate: "unused", operatorPassword: "pw" }, endpointsOf({ prometheus: api.url }), SETTINGS, undefined, () => NOW);
  });
  afterAll(() => api.close());
  beforeEach(() => (queries = {}));

  it("names every down target with its last scrape error, and counts one not yet scraped as down", async () => {
    const outcome = await targetsUp(ctx, (l) => l.site === "home" && l.node === "porch", "none");
    expect(outcome).toEqual({
      status: "fail",
      detail: '2 of 3 down: node-exporter 192.168.1.21:9100 (Get "https://192.168.1.21:9100/metrics": dial tcp 192.168.1.21:9100: connect: connection refused); edge-agent 192.168.1.21:9443 (not scraped yet)',
      fix: expect.stringContaining("docker logs <service>"),
    });
    expect(await targetsUp(ctx, (l) => l.site === "hub", "none")).toEqual({ status: "pass", detail: "1 of 1 up" });
  });

  it("fails when Prometheus has no targets for a stack", async () => {
    expect(await targetsUp(ctx, (l) => l.site === "barn", "the hub's Prometheus has no targets for barn/loft")).toMatchObject({ status: "fail", detail: "the hub's Prometheus has no targets for barn/loft", fix: expect.stringContaining("npm run deploy -- hub") });
  });

  it("fails when a push node's newest sample is too old, or there is none", async () => {
    queries['max(timestamp(up{site="cabin",node="lodge"}))'] = [{ metric: {}, value: [NOW / 1000, String(NOW / 1000 - 600)] }];
    expect(await remoteWriteFresh(ctx, "cabin", "lodge")).toMatchObject({ status: "fail", detail: "newest sample from cabin/lodge is 600 s old (limit 120 s)" });
    queries['max(timestamp(up{site="cabin",node="lodge"}))'] = [{ metric: {}, value: [NOW / 1000, String(NOW / 1000 - 14)] }];
    expect(await remoteWriteFresh(ctx, "cabin", "lodge")).toEqual({ status: "pass", detail: "newest sample 14 s old" });
    queries = {};
    expect(await remoteWriteFresh(ctx, "cabin", "lodge")).toMatchObject({ status: "fail", detail: "no sample from cabin/lodge in the last 5 minutes" });
  });

  it("reports a node's probed certificate: days left, expiring soon, invalid, or a lab site without TLS", async () => {
    const selector = 'job="certificate-probe",site="home",node="porch"';
    const set = (expiresInDays: number, success: number) => {
      queries[`min(probe_ssl_earliest_cert_expiry{${selector}})`] = [{ metric: {}, value: [0, String(NOW / 1000 + expiresInDays * 86400 + 60)] }];
      queries[`min(probe_success{${selector}})`] = [{ metric: {}, value: [0, String(success)] }];
    };
    set(200, 1);
    expect(await probedCertificate(ctx, "home", "porch", true)).toEqual({ status: "pass", detail: "porch's certificate: 200 days left" });
    set(12, 1);
    expect(await probedCertificate(ctx, "home", "porch", true)).toMatchObject({ status: "fail", detail: "porch's certificate expires in 12 days (2026-12-13)", fix: expect.stringContaining("npm run deploy -- hub") });
    set(200, 0);
    expect(await probedCertificate(ctx, "home", "porch", true)).toMatchObject({ status: "fail", detail: expect.stringContaining("does not verify against the CA (CertificateInvalid)") });
    expect(await probedCertificate(ctx, "home", "porch", false)).toEqual({ status: "skip", detail: "the site serves plain HTTP (sites[].tls: false)" });
  });

  it("fails when a rule group is missing or a rule fails to evaluate, naming them", () => {
    const groups = [
      { name: "cameras", file: "rules/cameras.yml", rules: [{ name: "CameraOffline", health: "ok" }] },
      { name: "edge", file: "rules/edge.yml", rules: [{ name: "EdgeNodeDown", health: "err", lastError: "many-to-many matching not allowed: matching labels must be unique on one side" }] },
    ];
    expect(rulesHealthy("Prometheus", groups, ["cameras", "edge", "sensors"], "deploy")).toEqual({ status: "fail", detail: "Prometheus lacks rule group sensors (loaded: cameras, edge)", fix: "the deployed rule files differ from this checkout: deploy" });
    expect(rulesHealthy("Prometheus", groups, ["cameras", "edge"], "deploy")).toMatchObject({ status: "fail", detail: "1 rule failing: edge/EdgeNodeDown: many-to-many matching not allowed: matching labels must be unique on one side" });
    expect(rulesHealthy("Prometheus", groups.slice(0, 1), ["cameras"], "deploy")).toEqual({ status: "pass", detail: "1 group, 1 rule loaded, none failing" });
  });

  it("counts whole days left against the threshold", () => {
    expect(daysLeft(ctx, "CA", NOW + 21 * 86_400_000 + 1)).toEqual({ status: "pass", detail: "CA: 21 days left" });
    expect(daysLeft(ctx, "CA", NOW + 20 * 86_400_000)).toMatchObject({ status: "fail", detail: "CA expires in 20 days (2026-12-21)" });
  });
});
