// Slow: `npm run verify` against a deployment running for real on 127.0.0.1. The
// hub's Prometheus (with its rules), Alertmanager, pushgateway, node_exporter and
// blackbox_exporter, the pull node edge-home-porch's exporters, the push node
// edge-cabin-lodge's agent (remote-writing as the node) and blackbox_exporter, and
// the Loki gateway (nginx) are the Debian binaries, each started with its
// container's synthesized command and rendered files: TLS, basic auth and client
// certificates as deployed, credentials made from the stack's own specs
// (support/pki.ts). Loki and Grafana cannot run here: loopback stand-ins answer
// their documented API responses (support/loki-stand-in.ts, support/grafana-stand-in.ts).
// Receivers are local webhooks (Alertmanager 0.25 cannot read url_file): its
// notification counters are per integration, so the fire drill counts per
// integration here (the deployed 0.34 labels receivers; unit tests cover that).
// Every process is stopped by PID in afterAll.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { IncomingMessage, Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { parse, stringify } from "yaml";
import type { Placeholder } from "../../constructs/config/terraform-content";
import { OPERATOR_CERTIFICATE, passwordIdentities } from "../../security/pki";
import { issuedHostCertificates } from "../support/certificates";
import { defineStacks } from "../../stacks/app";
import { renderedFiles } from "../../stacks/rendered-files";
import { run } from "../../scripts/verify/main";
import { Processes, TEST_TIMING, waitUntil } from "./e2e/harness";
import { deploy, deployAlertmanager, deployLokiGateway, SynthesizedApp } from "../support/deploy";
import { ROOT, exampleInventory } from "../support/example";
import { ruleFilesOf } from "../support/generated";
import { GrafanaStandIn } from "../support/grafana-stand-in";
import { listenOnLoopback, request, RequestOptions } from "../support/http";
import { LokiStandIn } from "../support/loki-stand-in";
import { createTestPki, TestPki, testPassword } from "../support/pki";
import { freePort } from "../support/processes";

jest.setTimeout(90_000);

const inventory = exampleInventory();
const STACKS = ["hub", "edge-home-porch", "edge-cabin-lodge", "grafana"];

let dir: string;
let pki: TestPki;
let app: SynthesizedApp;
let loki: LokiStandIn;
let grafana: GrafanaStandIn;
const processes = new Processes();
const servers: Server[] = [];
const port: Record<string, number> = {};
/** Everything the receiver stand-ins got: receiver name and the alerts of each notification. */
const deliveries: { receiver: string; alerts: { labels: Record<string, string>; status: string }[] }[] = [];
/** HTTP status each receiver stand-in answers with (200 unless a test breaks one). */
const receiverStatus: Record<string, number> = {};
const env: Record<string, string> = {};
const grafanaAdminPassword = testPassword();

const url = (name: string) => `https://127.0.0.1:${port[name]}`;
const trusted = (user: string): RequestOptions => ({ ca: pki.caCert, auth: { user, password: pki.passwords.get(user)! } });

/** Runs verify in-process with the test's outputs and endpoints; returns its exit code and plain output. */
async function verify(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; out: string; err: string; lines: string[] }> {
  let out = "";
  let err = "";
  const code = await run(args, {
    stdout: { write: (t) => void (out += t), isTTY: false },
    stderr: { write: (t) => void (err += t), isTTY: false },
    env: { ...env, ...extraEnv },
    cwd: ROOT,
    lokiReadTimeoutMs: 10_000,
    drillPollMs: 250,
  });
  return { code, out, err, lines: out.split("\n").filter(Boolean) };
}

/** The line of `stack check` in a run's output. */
const lineOf = (lines: string[], stack: string, check: string) => lines.find((l) => new RegExp(`^(PASS|FAIL|SKIP)  ${stack} ${check.replace(/[+]/g, "\\+")}\\s`).test(l));

/** Keeps the static configs of a rendered prometheus.yml whose site/node/service `targets` maps to a loopback address. */
function retarget(yaml: string, targets: Record<string, string>, change: (doc: any) => void = () => {}): string {
  const doc = parse(yaml);
  doc.global.scrape_interval = "1s";
  doc.global.evaluation_interval = "1s";
  doc.scrape_configs = doc.scrape_configs
    .map((job: any) => ({
      ...job,
      scrape_interval: job.scrape_interval ? "1s" : undefined,
      static_configs: job.static_configs
        .filter((g: any) => `${g.labels.site}/${g.labels.node}/${g.labels.service}` in targets)
        .map((g: any) => ({ ...g, targets: [targets[`${g.labels.site}/${g.labels.node}/${g.labels.service}`]] })),
    }))
    .filter((job: any) => job.static_configs.length > 0);
  change(doc);
  return stringify(doc);
}

const rewrite = (path: string, change: (text: string) => string) => writeFileSync(path, change(readFileSync(path, "utf8")));

const listen = (handler: (req: IncomingMessage, body: string) => number) => listenOnLoopback(servers, handler);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "verify-"));
  const outdir = join(dir, "cdktf.out");
  const synthApp = new App({ outdir });
  defineStacks(synthApp, inventory);
  const rendered = renderedFiles(synthApp);
  synthApp.synth();
  pki = createTestPki(join(dir, "pki"), [...issuedHostCertificates(inventory), OPERATOR_CERTIFICATE], passwordIdentities(inventory));
  const fill = (p: Placeholder) => (p.kind === "var" ? "http://127.0.0.1:9/unused" : pki.value(p));
  app = { rendered, outdir, dir, processes, fill };
  for (const name of ["prometheus", "alertmanager", "pushgateway", "hubNode", "hubBlackbox", "porchNode", "porchBlackbox", "agent", "lodgeBlackbox", "gateway", "gatewayHealth", "loki", "grafana"])
    port[name] = await freePort();

  const camera = await listen(() => 200);
  const receivers = await listen((req, body) => {
    const receiver = req.url!.slice(1);
    deliveries.push({ receiver, alerts: JSON.parse(body).alerts });
    return receiverStatus[receiver] ?? 200;
  });

  deploy(app, { name: "hub-node-exporter", container: "node-exporter", binary: "prometheus-node-exporter", stack: "hub", containerDir: "/etc/node-exporter", port: port.hubNode });
  deploy(app, { name: "hub-blackbox", container: "blackbox-exporter", binary: "prometheus-blackbox-exporter", stack: "hub", containerDir: "/etc/blackbox_exporter", port: port.hubBlackbox });
  deploy(app, { name: "porch-node-exporter", container: "node-exporter", binary: "prometheus-node-exporter", stack: "edge-home-porch", containerDir: "/etc/node-exporter", port: port.porchNode });
  deploy(app, { name: "porch-blackbox", container: "blackbox-exporter", binary: "prometheus-blackbox-exporter", stack: "edge-home-porch", containerDir: "/etc/blackbox_exporter", port: port.porchBlackbox });
  deploy(app, { name: "lodge-blackbox", container: "blackbox-exporter", binary: "prometheus-blackbox-exporter", stack: "edge-cabin-lodge", containerDir: "/etc/blackbox_exporter", port: port.lodgeBlackbox });
  deploy(app, { name: "pushgateway", binary: "prometheus-pushgateway", stack: "hub", containerDir: "/etc/pushgateway", data: ["/pushgateway/metrics.db", join(dir, "pushgateway.db")], port: port.pushgateway });
  deployAlertmanager(app, { port: port.alertmanager, receiverBase: `http://127.0.0.1:${receivers}`, dataDir: join(dir, "alertmanager-data"), timing: TEST_TIMING });
  deploy(app, {
    name: "prometheus",
    binary: "prometheus",
    stack: "hub",
    containerDir: "/etc/prometheus",
    data: ["/prometheus", join(dir, "prometheus-data")],
    port: port.prometheus,
    adjust: (files) =>
      rewrite(files.get("prometheus.yml")!, (yaml) =>
        retarget(
          yaml,
          {
            "hub/hub/prometheus": `127.0.0.1:${port.prometheus}`,
            "hub/hub/alertmanager": `127.0.0.1:${port.alertmanager}`,
            "hub/hub/pushgateway": `127.0.0.1:${port.pushgateway}`,
            "hub/hub/node-exporter": `127.0.0.1:${port.hubNode}`,
            "hub/hub/certificate": `127.0.0.1:${port.hubBlackbox}`,
            "home/porch/node-exporter": `127.0.0.1:${port.porchNode}`,
            "home/porch/blackbox-exporter": `127.0.0.1:${port.porchBlackbox}`,
            "home/porch/camera-probe": `127.0.0.1:${port.porchBlackbox}`,
            "home/porch/certificate": `127.0.0.1:${port.porchBlackbox}`,
          },
          (doc) => {
            for (const job of doc.scrape_configs)
              for (const group of job.static_configs) {
                const labels = group.labels;
                if (job.job_name === "certificate-probe") labels.__param_target = group.targets[0];
                if (job.job_name === "camera-probe") labels.__param_target = labels.__param_module === "camera_http" ? `http://127.0.0.1:${camera}/` : `127.0.0.1:${camera}`;
              }
            doc.alerting.alertmanagers[0].static_configs = [{ targets: [`127.0.0.1:${port.alertmanager}`] }];
          },
        ),
      ),
    // Alerts reach Alertmanager a second after they fire, not a minute.
    args: (command) => [...command, "--rules.alert.resend-delay=1s"],
  });
  deploy(app, {
    name: "agent",
    binary: "prometheus",
    stack: "edge-cabin-lodge",
    container: "prometheus-agent",
    containerDir: "/etc/prometheus",
    data: ["/prometheus", join(dir, "agent-wal")],
    port: port.agent,
    adjust: (files) =>
      rewrite(files.get("prometheus.yml")!, (yaml) =>
        retarget(yaml, { "cabin/lodge/prometheus-agent": `127.0.0.1:${port.agent}`, "cabin/lodge/certificate": `127.0.0.1:${port.lodgeBlackbox}` }, (doc) => {
          for (const job of doc.scrape_configs) if (job.job_name === "certificate-probe") job.static_configs[0].labels.__param_target = `127.0.0.1:${port.lodgeBlackbox}`;
          doc.remote_write[0].url = `${url("prometheus")}/api/v1/write`;
        }),
      ),
  });

  loki = new LokiStandIn([...rendered].filter(([key]) => key.startsWith("hub/loki/rules/")).map(([key, yaml]) => ({ file: key, yaml })));
  await loki.listen(port.loki);
  deployLokiGateway(app, { port: port.gateway, healthPort: port.gatewayHealth, lokiPort: port.loki });

  // Grafana's datasources as the grafana stack provisions them.
  const grafanaStack = JSON.parse(readFileSync(join(outdir, "stacks", "grafana", "cdk.tf.json"), "utf8"));
  grafana = new GrafanaStandIn({
    ...pki.hosts.get("hub")!,
    ca: pki.caCert,
    adminPassword: grafanaAdminPassword,
    dataSources: Object.values<{ uid: string; name: string; type: string; url: string }>(grafanaStack.resource.grafana_data_source).map(({ uid, name, type, url }) => ({ uid, name, type, url })),
    addresses: { "prometheus:9090": url("prometheus"), "alertmanager:9093": url("alertmanager"), "loki:3100": `http://127.0.0.1:${port.loki}` },
    datasourcePassword: pki.passwords.get("grafana")!,
  });
  await grafana.listen(port.grafana);

  // What terraform output -json prints in the hub stack, and where the services answer.
  const outputs = (password: string) =>
    JSON.stringify({
      ca_certificate: { sensitive: false, type: "string", value: pki.caCert },
      operator_password: { sensitive: true, type: "string", value: password },
      operator_client_certificate: { sensitive: true, type: "string", value: pki.hosts.get("operator")!.cert },
      operator_client_key: { sensitive: true, type: "string", value: pki.hosts.get("operator")!.key },
    });
  writeFileSync(join(dir, "outputs.json"), outputs(pki.passwords.get("operator")!));
  writeFileSync(join(dir, "wrong-outputs.json"), outputs(testPassword()));
  writeFileSync(
    join(dir, "endpoints.json"),
    JSON.stringify({ prometheus: url("prometheus"), alertmanager: url("alertmanager"), pushgateway: url("pushgateway"), loki: url("gateway"), grafana: url("grafana"), nodeExporter: url("hubNode") }),
  );
  Object.assign(env, { PATH: process.env.PATH!, VERIFY_OUTPUTS: join(dir, "outputs.json"), VERIFY_ENDPOINTS: join(dir, "endpoints.json"), TF_VAR_grafana_admin_password: grafanaAdminPassword });

  // Healthy: every target scraped, the agent's samples on the hub, the Watchdog's heartbeat delivered.
  let seen = "";
  await waitUntil(
    "every kept target up",
    async () => {
      const res = await request(`${url("prometheus")}/api/v1/targets?state=active`, trusted("operator"));
      const targets = JSON.parse(res.body).data.activeTargets as { health: string; scrapePool: string; lastError: string }[];
      seen = targets.map((t) => `${t.scrapePool} ${t.health} ${t.lastError}`).join("\n");
      return targets.length === 10 && targets.every((t) => t.health === "up");
    },
    45_000,
    250,
  ).catch((err) => {
    throw new Error(`${err.message}; targets:\n${seen}\n${processes.get("prometheus")?.output().slice(-3000)}`);
  });
  await waitUntil("the agent's samples on the hub", async () => {
    const res = await request(`${url("prometheus")}/api/v1/query?query=${encodeURIComponent('up{site="cabin",node="lodge",job="certificate-probe"}')}`, trusted("operator"));
    return JSON.parse(res.body).data.result.length === 1;
  }, 45_000, 250);
  await waitUntil("the first heartbeat", () => deliveries.some((d) => d.receiver === "heartbeat"), 45_000, 250);
}, 150_000);

afterAll(async () => {
  await processes.stopAll();
  await Promise.all([...servers.map((s) => new Promise((r) => s.close(r))), loki?.close(), grafana?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run verify against a loopback deployment (slow)", () => {
  it("passes every check of a healthy deployment, one line each, and exits 0", async () => {
    // Alertmanager's notification counters reach Prometheus a scrape after the heartbeat.
    const result = await waitUntil("a passing run", async () => {
      const r = await verify(STACKS);
      return r.code === 0 ? r : false;
    }, 30_000, 1000).catch(async () => verify(STACKS));
    expect(result.err).toBe("");
    const checks = result.lines.slice(0, -1);
    expect({ failing: checks.filter((l) => !l.startsWith("PASS")), code: result.code }).toEqual({ failing: [], code: 0 });
    expect(checks.map((l) => l.split(/\s+/).slice(1, 3).join(" "))).toEqual([
      "hub prometheus",
      "hub targets",
      "hub rules",
      "hub alertmanager",
      "hub watchdog",
      "hub heartbeat",
      "hub notifications",
      "hub loki",
      "hub loki",
      "hub loki",
      "hub certificates",
      "edge-home-porch targets",
      "edge-home-porch certificate",
      "edge-cabin-lodge targets",
      "edge-cabin-lodge remote",
      "edge-cabin-lodge certificate",
      "grafana datasources",
    ]);
    expect(lineOf(result.lines, "hub", "targets")).toMatch(/5 of 5 up$/);
    // Every group the components brought (one file per component).
    const groups = ruleFilesOf(inventory).prometheus.flatMap((f) => f.groups).length;
    expect(lineOf(result.lines, "hub", "rules")).toMatch(new RegExp(`${groups} groups, \\d+ rules loaded, none failing$`));
    expect(lineOf(result.lines, "hub", "loki push+query")).toMatch(/pushed a line with the operator certificate and read it back/);
    expect(lineOf(result.lines, "edge-home-porch", "targets")).toMatch(/5 of 5 up$/);
    expect(lineOf(result.lines, "edge-cabin-lodge", "remote write")).toMatch(/newest sample \d+ s old$/);
    expect(lineOf(result.lines, "hub", "certificates")).toMatch(/days left: .*alertmanager.*36[45] days.*CA 36\d\d days/);
    expect(result.lines.at(-1)).toMatch(/^all checks pass: 17 of 17 checks passed, 0 failed$/);
    // The test line went through nginx with the operator's certificate, into the Loki stand-in.
    expect(loki.streams.some((s) => s.stream.service === "verify" && s.stream.device === "operator")).toBe(true);
    // No credential is ever printed.
    for (const secret of [pki.passwords.get("operator")!, grafanaAdminPassword, pki.hosts.get("operator")!.key.split("\n")[1]]) expect(result.out).not.toContain(secret);
  });

  it("prints one JSON document with --json, from the command line (compiled)", async () => {
    const main = join(ROOT, "dist", "scripts", "verify", "main.js");
    if (!existsSync(main)) throw new Error(`${main} is missing: npm test builds it (tsc) before jest`);
    const child = spawn(process.execPath, [main, "hub", "grafana", "--json"], { cwd: ROOT, env: { ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const doc = JSON.parse(out);
    expect({ code, ok: doc.ok, failed: doc.failed, stacks: doc.stacks }).toEqual({ code: 0, ok: true, failed: 0, stacks: ["hub", "grafana"] });
    expect(doc.results.map((r: { check: string }) => r.check)).toContain("datasources");
    expect(doc.results.every((r: { status: string; detail: string }) => r.status === "pass" && r.detail.length > 0)).toBe(true);
  });

  it("fire drill: a critical drill reaches every critical receiver, and the counters confirm it", async () => {
    const before = deliveries.length;
    const { code, lines } = await verify(["--fire-drill=critical", "--drill-timeout=30"]);
    expect({ code, output: code === 0 ? "" : lines.join("\n") }).toEqual({ code: 0, output: "" });
    expect(lines[0]).toMatch(/^PASS  drill send\s+FireDrill \(severity critical, drill_id \d{14}-[0-9a-f]{4}\) sent to Alertmanager; it ends by itself in 5 minutes; waiting for pager, mobile, sms$/);
    for (const receiver of ["pager", "mobile", "sms"]) expect(lineOf(lines, "drill", receiver)).toMatch(/^PASS  drill \w+\s+delivered in [\d.]+ s \(counted per integration webhook, shared by /);
    const drills = deliveries.slice(before).filter((d) => d.alerts.some((a) => a.labels.alertname === "FireDrill"));
    expect([...new Set(drills.map((d) => d.receiver))].sort()).toEqual(["mobile", "pager", "sms"]);
    expect(drills[0].alerts[0].labels).toMatchObject({ severity: "critical", drill: "true", site: expect.stringMatching(/^fire-drill-/) });
  });

  it("fails a drill of a severity no receiver takes, saying so", async () => {
    const { code, lines } = await verify(["--fire-drill=info"]);
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/^FAIL  drill send\s+no receiver takes info alerts \(alerting\.routes\.info is empty\): nothing to drill → /);
  });

  it("fails with a wrong operator password, naming the refusal, without printing the password", async () => {
    const wrong = JSON.parse(readFileSync(join(dir, "wrong-outputs.json"), "utf8")).operator_password.value;
    const { code, out, lines } = await verify(["hub"], { VERIFY_OUTPUTS: join(dir, "wrong-outputs.json") });
    expect(code).toBe(1);
    expect(lineOf(lines, "hub", "prometheus")).toMatch(/^FAIL  hub prometheus\s+Prometheus refused user operator's password \(HTTP 401 on \/api\/v1\/status\/buildinfo\) → the outputs are stale/);
    expect(lineOf(lines, "hub", "alertmanager")).toMatch(/^FAIL  hub alertmanager\s+Alertmanager refused user operator's password \(HTTP 401/);
    expect(lineOf(lines, "hub", "targets")).toMatch(/^FAIL  hub targets\s+not checked: Prometheus refused/);
    expect(out).not.toContain(wrong);
  });

  it("fails when Loki is not ready, with Loki's reason", async () => {
    loki.notReady = "Ingester not ready: waiting for 15s after being ready";
    try {
      const { code, lines } = await verify(["hub"]);
      expect(code).toBe(1);
      expect(lineOf(lines, "hub", "loki")).toMatch(/^FAIL  hub loki\s+Loki is not ready: Ingester not ready: waiting for 15s after being ready → /);
    } finally {
      loki.notReady = undefined;
    }
  });

  it("fails when a Grafana datasource fails Grafana's health check, naming it", async () => {
    grafana.o.datasourcePassword = testPassword();
    try {
      const { code, lines } = await verify(["grafana"]);
      expect(code).toBe(1);
      expect(lineOf(lines, "grafana", "datasources")).toMatch(
        /^FAIL  grafana datasources\s+datasources failing Grafana's health check: prometheus: There was an error returned querying the Prometheus API\. \(HTTP 401\); alertmanager: Unexpected status code: 401 → /,
      );
    } finally {
      grafana.o.datasourcePassword = pki.passwords.get("grafana")!;
    }
    expect((await verify(["grafana"], { TF_VAR_grafana_admin_password: "" })).lines[0]).toMatch(/^FAIL  grafana datasources\s+no Grafana admin password .* → export TF_VAR_grafana_admin_password/);
  });

  it("fails when a receiver fails: the drill names it, and the notifications check sees the failures", async () => {
    receiverStatus.sms = 404;
    const before = deliveries.length;
    const drill = await verify(["--fire-drill=critical", "--drill-timeout=30"]);
    expect(drill.code).toBe(1);
    expect(lineOf(drill.lines, "drill", "sms")).toMatch(/^FAIL  drill sms\s+delivery failed.*\d+ failed requests?.* \(counted per integration webhook, shared by blackhole, pager, mobile, sms, email, teams, heartbeat: this Alertmanager does not label receivers\) → docker logs alertmanager/);
    expect(deliveries.slice(before).some((d) => d.receiver === "sms" && d.alerts.some((a) => a.labels.alertname === "FireDrill"))).toBe(true);
    const checks = await waitUntil("the failure in Prometheus", async () => {
      const r = await verify(["hub"]);
      return /FAIL/.test(lineOf(r.lines, "hub", "notifications") ?? "") ? r : false;
    }, 20_000, 1000);
    expect(checks.code).toBe(1);
    expect(lineOf(checks.lines, "hub", "notifications")).toMatch(/^FAIL  hub notifications\s+notifications failing in the last 10m: blackhole\/pager\/mobile\/sms\/email\/teams\/heartbeat via webhook \(\d+\) → /);
  });

  it("fails when a target is down, naming it with its scrape error", async () => {
    await processes.stop("porch-node-exporter");
    const result = await waitUntil("the target down in Prometheus", async () => {
      const r = await verify(["edge-home-porch"]);
      return r.code === 1 ? r : false;
    }, 20_000, 500);
    expect(lineOf(result.lines, "edge-home-porch", "targets")).toMatch(
      new RegExp(`^FAIL  edge-home-porch targets\\s+1 of 5 down: node-exporter 127\\.0\\.0\\.1:${port.porchNode} \\(.*connection refused.*\\) → is each container running`),
    );
    expect(lineOf(result.lines, "edge-home-porch", "certificate")).toMatch(/^PASS/);
  });
});
