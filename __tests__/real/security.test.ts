// Slow: the rendered web configs, client settings and gateway config run in the
// real Prometheus 2.42 (server and agent), Alertmanager, pushgateway,
// node_exporter, blackbox_exporter and nginx (Debian packages) on 127.0.0.1,
// with a CA, certificates and passwords made from the stack's own specs
// (support/pki.ts), each started with its container's synthesized command.
// Every process is stopped by PID in afterAll.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { IncomingMessage, Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { X509Certificate } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { parse, stringify } from "yaml";
import type { Placeholder } from "../../constructs/config/terraform-content";
import { connectorIdentity, OPERATOR_CERTIFICATE, passwordIdentities } from "../../security/pki";
import { issuedHostCertificates } from "../support/certificates";
import { defineStacks } from "../../stacks/app";
import { renderedFiles } from "../../stacks/rendered-files";
import { delay, Processes, waitUntil } from "./e2e/harness";
import { exampleInventory } from "../support/example";
import { listenOnLoopback, request, RequestOptions, statusOf } from "../support/http";
import { createTestPki, TestPki, testPassword } from "../support/pki";
import { Deployment, deployAlertmanager, deploy as deployService, deployLokiGateway } from "../support/deploy";
import { freePort } from "../support/processes";

jest.setTimeout(60_000);

const inventory = exampleInventory();
/** The app as synthesized here: its rendered files and cdk.tf.json (commands). */
let rendered: Map<string, string>;
let synthesized: string;
const PULL_NODE = "edge-home-porch";
const PUSH_NODE = "edge-cabin-lodge";
const pushConnector = inventory.connectors.find((c) => c.metrics === "push")!;

let dir: string;
let pki: TestPki;
const processes = new Processes();
const servers: Server[] = [];
const url: Record<string, string> = {};
/** What the Loki stand-in behind nginx received. */
const pushes: { path: string; headers: IncomingMessage["headers"]; body: string }[] = [];

const auth = (user: string) => ({ user, password: pki.passwords.get(user)! });
const trusted = (user?: string): RequestOptions => ({ ca: pki.caCert, ...(user ? { auth: auth(user) } : {}) });
const hostCert = (host: string) => ({ cert: pki.hosts.get(host)!.cert, key: pki.hosts.get(host)!.key });

/** Secret variables are the operator's (receiver URLs): any harmless value does. */
const fill = (p: Placeholder) => (p.kind === "var" ? "http://127.0.0.1:9/unused" : pki.value(p));

const listen = (handler: (req: IncomingMessage, body: string) => number) => listenOnLoopback(servers, handler);

/** Waits for 200 from `target`; fails early, with the process's output, if `name` exits. */
async function untilAnswers(name: string, target: string, options: RequestOptions): Promise<void> {
  await waitUntil(
    `${name} at ${target}`,
    async () => {
      const started = processes.get(name);
      if (started && started.process.exitCode !== null) throw new Error(`${name} exited:\n${started.output()}`);
      return (await request(target, options)).status === 200;
    },
    30_000,
    100,
  );
}

/** An instant query against the hub's Prometheus, as the operator. */
async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await request(`${url.prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`, trusted("operator"));
  if (res.status !== 200) throw new Error(`query ${expr}: HTTP ${res.status} ${res.body}`);
  return JSON.parse(res.body).data.result;
}

/** Starts a container of the synthesized app as a process on 127.0.0.1 (support/deploy.ts). */
const deploy = (o: Deployment) => deployService({ rendered, outdir: synthesized, dir, processes, fill }, o);

const rewrite = (path: string, change: (text: string) => string) => writeFileSync(path, change(readFileSync(path, "utf8")));

/** Keeps only `jobs` of a rendered prometheus.yml, each scraping `targets[job]`; client settings stay as rendered. */
function retarget(yaml: string, targets: Record<string, string>, change: (doc: any) => void = () => {}): string {
  const doc = parse(yaml);
  doc.global.scrape_interval = "1s";
  delete doc.rule_files;
  doc.scrape_configs = doc.scrape_configs
    .filter((job: any) => job.job_name in targets)
    .map((job: any) => ({ ...job, scrape_interval: "1s", static_configs: [{ ...job.static_configs[0], targets: [targets[job.job_name]] }] }));
  change(doc);
  return stringify(doc);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "security-"));
  synthesized = join(dir, "cdktf.out");
  const app = new App({ outdir: synthesized });
  defineStacks(app, inventory);
  rendered = renderedFiles(app);
  app.synth();
  // "intruder": a certificate from the same CA whose name no gateway allows.
  pki = createTestPki(join(dir, "pki"), [...issuedHostCertificates(inventory), OPERATOR_CERTIFICATE, { host: "intruder", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] }], passwordIdentities(inventory));
  const port = Object.fromEntries(await Promise.all(["prometheus", "alertmanager", "pushgateway", "nodeExporter", "blackbox", "agent", "impostor", "gateway", "gatewayHealth"].map(async (n) => [n, await freePort()])));
  for (const [name, p] of Object.entries(port)) url[name] = `https://127.0.0.1:${p}`;

  const camera = await listen(() => 200);
  const loki = await listen((req, body) => {
    pushes.push({ path: req.url!, headers: req.headers, body });
    return 204;
  });

  deploy({ name: "node-exporter", binary: "prometheus-node-exporter", stack: PULL_NODE, containerDir: "/etc/node-exporter", port: port.nodeExporter });
  deploy({ name: "blackbox-exporter", binary: "prometheus-blackbox-exporter", stack: PULL_NODE, containerDir: "/etc/blackbox_exporter", port: port.blackbox });
  deploy({ name: "pushgateway", binary: "prometheus-pushgateway", stack: "hub", containerDir: "/etc/pushgateway", data: ["/pushgateway/metrics.db", join(dir, "pushgateway.db")], port: port.pushgateway });
  deployAlertmanager({ rendered, outdir: synthesized, dir, processes, fill }, { port: port.alertmanager, receiverBase: `http://127.0.0.1:${camera}`, dataDir: join(dir, "alertmanager-data") });
  deploy({
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
            prometheus: `127.0.0.1:${port.prometheus}`,
            alertmanager: `127.0.0.1:${port.alertmanager}`,
            pushgateway: `127.0.0.1:${port.pushgateway}`,
            "node-exporter": `127.0.0.1:${port.nodeExporter}`,
            "blackbox-exporter": `127.0.0.1:${port.blackbox}`,
            "camera-probe": `127.0.0.1:${port.blackbox}`,
            "certificate-probe": `127.0.0.1:${port.blackbox}`,
          },
          (doc) => {
            // The exporter probes its own TLS port, here the test's.
            doc.scrape_configs.find((j: any) => j.job_name === "certificate-probe").static_configs[0].labels.__param_target = `127.0.0.1:${port.blackbox}`;
            const probe = doc.scrape_configs.find((j: any) => j.job_name === "camera-probe").static_configs[0].labels;
            Object.assign(probe, { __param_module: "camera_http", __param_target: `http://127.0.0.1:${camera}/` });
            doc.alerting.alertmanagers[0].static_configs = [{ targets: [`127.0.0.1:${port.alertmanager}`] }];
          },
        ),
      ),
  });

  // Two agents of the push node: one as deployed, one whose remote_write password is wrong.
  for (const [name, wrongPassword] of [["agent", false], ["impostor", true]] as const)
    deploy({
      name,
      binary: "prometheus",
      stack: PUSH_NODE,
      container: "prometheus-agent",
      localDir: join(dir, name),
      containerDir: "/etc/prometheus",
      data: ["/prometheus", join(dir, name, "wal")],
      port: port[name],
      adjust: (files) => {
        const wrongFile = join(dir, name, "wrong-password");
        writeFileSync(wrongFile, testPassword());
        rewrite(files.get("prometheus.yml")!, (yaml) =>
          retarget(yaml, { "prometheus-agent": `127.0.0.1:${port[name]}` }, (doc) => {
            doc.scrape_configs[0].static_configs[0].labels.node = name;
            doc.remote_write[0].url = `${url.prometheus}/api/v1/write`;
            if (wrongPassword) doc.remote_write[0].basic_auth.password_file = wrongFile;
          }),
        );
      },
    });

  deployLokiGateway({ rendered, outdir: synthesized, dir, processes, fill }, { port: port.gateway, healthPort: port.gatewayHealth, lokiPort: loki });
  url.gatewayHealth = `http://127.0.0.1:${port.gatewayHealth}`;

  await Promise.all([
    untilAnswers("node-exporter", `${url.nodeExporter}/metrics`, trusted("prometheus")),
    untilAnswers("blackbox-exporter", `${url.blackbox}/-/healthy`, trusted("prometheus")),
    untilAnswers("pushgateway", `${url.pushgateway}/-/ready`, trusted("prometheus")),
    untilAnswers("alertmanager", `${url.alertmanager}/-/ready`, trusted("operator")),
    untilAnswers("prometheus", `${url.prometheus}/-/ready`, trusted("operator")),
    untilAnswers("agent", `${url.agent}/-/ready`, trusted(PUSH_NODE)),
    untilAnswers("impostor", `${url.impostor}/-/ready`, trusted(PUSH_NODE)),
    untilAnswers("nginx", `${url.gatewayHealth}/healthz`, {}),
  ]);
}, 120_000);

afterAll(async () => {
  await processes.stopAll();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

describe("web configs on the real binaries (slow)", () => {
  // endpoint, path, a user it lets in
  const endpoints: [string, string, () => string][] = [
    ["prometheus", "/-/healthy", () => "operator"],
    ["alertmanager", "/-/healthy", () => "operator"],
    ["pushgateway", "/-/healthy", () => "operator"],
    ["nodeExporter", "/metrics", () => "prometheus"],
    ["blackbox", "/-/healthy", () => "prometheus"],
    ["agent", "/-/healthy", () => PUSH_NODE],
  ];

  it.each(endpoints)("%s answers 401 without credentials or with a wrong password, 200 with them", async (name, path, user) => {
    const target = `${url[name]}${path}`;
    expect({
      none: await statusOf(target, trusted()),
      wrong: await statusOf(target, { ca: pki.caCert, auth: { user: user(), password: testPassword() } }),
      right: await statusOf(target, trusted(user())),
    }).toEqual({ none: 401, wrong: 401, right: 200 });
  });

  it.each(endpoints)("%s refuses a client that does not trust the private CA, and serves no data over plain HTTP", async (name, path, user) => {
    const target = `${url[name]}${path}`;
    expect(await statusOf(target, { auth: auth(user()) })).toMatch(/unable to verify the first certificate|self[- ]signed certificate/);
    // Go's TLS server answers a plain request with 400 and nothing else.
    expect(await statusOf(target.replace("https://", "http://"), { auth: auth(user()) })).toBe(400);
  });

  it("keeps a user to the endpoints that list it: Grafana cannot push to the pushgateway or scrape node_exporter", async () => {
    expect(await statusOf(`${url.pushgateway}/metrics/job/forged`, { ...trusted("grafana"), method: "PUT", body: "sensor_ok 1\n" })).toBe(401);
    expect(await statusOf(`${url.nodeExporter}/metrics`, trusted("grafana"))).toBe(401);
  });

  it("does not let anyone create a silence without credentials", async () => {
    const now = Date.now();
    const silence = JSON.stringify({
      matchers: [{ name: "alertname", value: "CameraOffline", isRegex: false, isEqual: true }],
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      createdBy: "test",
      comment: "security test",
    });
    const post = (options: RequestOptions) => request(`${url.alertmanager}/api/v2/silences`, { ...options, method: "POST", body: silence, headers: { "content-type": "application/json" } });
    expect((await post(trusted())).status).toBe(401);
    expect((await post({ ca: pki.caCert, auth: { user: "operator", password: testPassword() } })).status).toBe(401);
    const created = await post(trusted("operator"));
    expect(created.status).toBe(200);
    const { silenceID } = JSON.parse(created.body);
    const listed = JSON.parse((await request(`${url.alertmanager}/api/v2/silences`, trusted("operator"))).body);
    expect(listed.map((s: { id: string }) => s.id)).toContain(silenceID);
  });

  it("takes pushes only from a connector with its credentials", async () => {
    const push = (options: RequestOptions) => statusOf(`${url.pushgateway}/metrics/job/${pushConnector.name}`, { ...options, method: "PUT", body: "connector_sensor_ok 1\n" });
    expect(await push(trusted())).toBe(401);
    expect(await push(trusted(connectorIdentity(pushConnector.name)))).toBe(200);
  });

  it("keeps Prometheus's admin API and lifecycle endpoints closed, even to the operator", async () => {
    const snapshot = await request(`${url.prometheus}/api/v1/admin/tsdb/snapshot`, { ...trusted("operator"), method: "POST" });
    expect(snapshot.body).toContain("admin APIs disabled");
    expect(await statusOf(`${url.prometheus}/-/quit`, { ...trusted("operator"), method: "POST" })).toBe(403);
    expect(await statusOf(`${url.prometheus}/-/reload`, { ...trusted("operator"), method: "POST" })).toBe(403);
  });
});

describe("clients on the real binaries (slow)", () => {
  it("Prometheus scrapes the exporters, the pushgateway and Alertmanager over TLS with basic auth, and probes a camera through blackbox_exporter", async () => {
    const jobs = ["alertmanager", "blackbox-exporter", "camera-probe", "certificate-probe", "node-exporter", "prometheus", "pushgateway"];
    const up = await waitUntil(
      "every job up",
      async () => {
        // The agents' own `up` arrives by remote_write under job "prometheus-agent": not a scrape of the hub's.
        const result = await query('up{job!="prometheus-agent"} == 1');
        const seen = result.map((r) => r.metric.job).sort();
        return jobs.every((j) => seen.includes(j)) ? seen : false;
      },
      30_000,
      250,
    );
    expect(up).toEqual(jobs);
    expect((await query('probe_success{job="camera-probe"}')).map((r) => r.value[1])).toEqual(["1"]);
  });

  it("learns from a host's blackbox_exporter when the certificate it serves expires, and that it verifies against the CA", async () => {
    const series = await waitUntil("the certificate probe", async () => {
      const [expiry] = await query('probe_ssl_earliest_cert_expiry{job="certificate-probe"}');
      const [success] = await query('probe_success{job="certificate-probe"}');
      return expiry && success && { expiry: Number(expiry.value[1]), success: success.value[1] };
    }, 30_000, 250);
    // The earliest expiry of the chain is the host certificate's (one year; the CA has ten).
    const notAfter = Date.parse(new X509Certificate(pki.hosts.get(PULL_NODE)!.cert).validTo) / 1000;
    expect(series).toEqual({ expiry: notAfter, success: "1" });
  });

  it("fails the certificate probe of a server whose certificate another CA issued", async () => {
    const foreign = createTestPki(join(dir, "foreign-pki"), [{ host: "foreign", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] }], []);
    const port = await freePort();
    const server = createTlsServer({ ...foreign.hosts.get("foreign")! }, (_req, res) => res.end());
    servers.push(server as unknown as Server);
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    const probe = (target: string) => request(`${url.blackbox}/probe?module=tls_certificate&target=${target}`, trusted("prometheus"));
    expect((await probe(`127.0.0.1:${port}`)).body).toMatch(/^probe_success 0$/m);
    expect((await probe(url.blackbox.replace("https://", ""))).body).toMatch(/^probe_success 1$/m);
  });

  it("stores an agent's samples sent with its credentials, and none sent with a wrong password", async () => {
    await waitUntil("the agent's samples on the hub", async () => (await query('up{node="agent"}')).length === 1, 30_000, 250);
    // The impostor scrapes itself as often; by now its samples would have arrived too.
    await delay(3_000);
    expect(await query('up{node="impostor"}')).toEqual([]);
    const metrics = (await request(`${url.impostor}/metrics`, trusted(PUSH_NODE))).body;
    const failed = /^prometheus_remote_storage_samples_failed_total\{[^}]*\} (\S+)$/m.exec(metrics);
    expect(Number(failed?.[1])).toBeGreaterThan(0);
  });
});

describe("Loki's TLS gateway (nginx) in front of a push stand-in (slow)", () => {
  const push = (options: RequestOptions) =>
    statusOf(`${url.gateway}/loki/api/v1/push`, { ca: pki.caCert, method: "POST", body: '{"streams":[]}', headers: { "content-type": "application/json" }, ...options });

  it("rejects a push without a client certificate, and one from a host it does not list", async () => {
    const before = pushes.length;
    expect(await push({})).toBe(400);
    expect(await push({ auth: auth("operator") })).toBe(400);
    expect(await push(hostCert("intruder"))).toBe(403);
    expect(pushes.length).toBe(before);
  });

  it("passes an edge node's authenticated push to Loki, without any Authorization header", async () => {
    const before = pushes.length;
    expect(await push({ ...hostCert(PULL_NODE), auth: auth("operator") })).toBe(204);
    expect(await push(hostCert("hub"))).toBe(204);
    expect(pushes.slice(before).map((p) => p.path)).toEqual(["/loki/api/v1/push", "/loki/api/v1/push"]);
    expect(pushes[before].headers.authorization).toBeUndefined();
    expect(pushes[before].headers["x-client-cn"]).toBe(PULL_NODE);
  });

  it("passes nothing but POST to the push endpoint, even to an allowed host", async () => {
    expect(await push({ ...hostCert(PULL_NODE), method: "GET", body: undefined })).toBe(403);
    expect(await statusOf(`${url.gateway}/loki/api/v1/tail`, { ca: pki.caCert, ...hostCert(PULL_NODE) })).toBe(404);
  });

  it("lets only the operator's certificate read (readiness, queries with their query string, rules); hosts cannot read logs", async () => {
    const reads = ["/ready", "/loki/api/v1/query_range?query=%7Bsite%3D%22home%22%7D&limit=1", "/prometheus/api/v1/rules"];
    for (const path of reads) {
      expect({ path, host: await statusOf(`${url.gateway}${path}`, { ca: pki.caCert, ...hostCert(PULL_NODE) }) }).toEqual({ path, host: 403 });
      expect({ path, hub: await statusOf(`${url.gateway}${path}`, { ca: pki.caCert, ...hostCert("hub") }) }).toEqual({ path, hub: 403 });
    }
    const before = pushes.length;
    for (const path of reads) expect({ path, operator: await statusOf(`${url.gateway}${path}`, { ca: pki.caCert, ...hostCert("operator") }) }).toEqual({ path, operator: 204 });
    expect(pushes.slice(before).map((p) => p.path)).toEqual(reads);
    // The operator may push a test line too (npm run verify).
    expect(await push(hostCert("operator"))).toBe(204);
  });
});
