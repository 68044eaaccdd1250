// Slow (the Docker tier): the synthesized stacks run on real Docker engines.
// Three hosts of the example deployment (the hub, the pull node home/porch, the
// push node cabin/lodge) each get their own dockerd in their own network
// namespace on a test LAN (engine.ts); stand-in images built from Debian packages
// carry the pinned names (images.ts says what differs from the official ones);
// the docker_* resources of each stack's cdk.tf.json are applied through the
// Engine API with the provider's semantics (apply.ts). Test-only changes: every
// inventory address is rewritten to the test LAN or loopback (garage, not run,
// gets a LAN address nothing answers on; cameras 127.0.0.1), credentials are
// made by openssl/bcryptjs from the stack's specs, secret variables get
// throwaway values, and alertmanager.yml's receivers become one webhook to the
// test (Alertmanager 0.25). Everything the run made is removed in afterAll.
//
// What differs from production (images.ts has the details):
// - Prometheus is Debian's 2.42 (the image's /bin/prometheus turns 3.x's --agent
//   into --enable-feature=agent), Alertmanager 0.25 (cannot read the 0.26+ receiver
//   fields url_file, pushover *_file, msteamsv2_configs: hence the webhook rewrite),
//   node_exporter 1.5, blackbox_exporter 0.23, pushgateway 1.5, nginx 1.22.
// - No Loki, Grafana, Promtail or Alloy image can be built here, nor the operator's
//   images: their containers run a stand-in program and are checked for everything
//   but the service itself (loader, mounts, user, networks, healthcheck wiring, the
//   files they read and the data directories they write).
// - Alloy is not run: its node (home/garage) is not one of the three hosts.
// - Engine 20.10: healthcheck start_interval (Engine 25+) is ignored.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:http";
import { join } from "node:path";
import { App } from "cdktf";
import { parse, stringify } from "yaml";
import { passwordIdentities } from "../../../security/pki";
import { issuedHostCertificates } from "../../support/certificates";
import { defineStacks } from "../../../stacks/app";
import { exampleDocument, inventoryFrom } from "../../support/example";
import { request, RequestOptions, statusOf } from "../../support/http";
import { createTestPki, TestPki, testPassword } from "../../support/pki";
import { rewriteAlertmanagerForTest } from "../e2e/harness";
import { StackApplier, StackJson, UploadAdjustment } from "./apply";
import { DockerHost, runInHost, startInHost, TestLan } from "./engine";
import { buildImages, debOrigins, imageSpecs, importImages } from "./images";

jest.setTimeout(420_000);

const HUB = "hub";
const PULL = "edge-home-porch";
const PUSH = "edge-cabin-lodge";

let lan: TestLan;
let hosts: Record<string, DockerHost>;
let pki: TestPki;
let stacks: Record<string, StackJson>;
let appliers: Record<string, StackApplier>;
let sink: Server;
let sinkPort: number;
const received: { path: string; body: string }[] = [];
const stops: (() => Promise<void>)[] = [];
const timings: Record<string, number> = {};
const egressBeforeFirstContainer: Record<string, boolean> = {};
let inventory: ReturnType<typeof inventoryFrom>;
const variables = new Map<string, string>();

/** The example inventory with every address on the test LAN (or loopback). */
function testInventory(prefix: string) {
  const doc = exampleDocument();
  const addresses: Record<string, string> = { "192.168.1.10": `${prefix}.10`, "192.168.1.21": `${prefix}.21`, "192.168.1.22": `${prefix}.22`, "10.20.0.5": `${prefix}.5` };
  const rewrite = (value: unknown): unknown => {
    if (typeof value === "string") return addresses[value] ?? value;
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  const out = rewrite(doc) as Record<string, any>;
  for (const site of out.sites) for (const node of site.nodes) for (const camera of node.cameras) camera.address = "127.0.0.1";
  return inventoryFrom(out);
}

/** Every IPv4 literal in `text` that is neither loopback, 0.0.0.0 nor on the test LAN. */
function outsideAddresses(text: string): string[] {
  const found = text.match(/(?<![\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])/g) ?? [];
  return [...new Set(found.filter((a) => !a.startsWith("127.") && a !== "0.0.0.0" && !a.startsWith(`${lan.prefix}.`)))];
}

const receiverUrl = (name: string) => `http://${lan.runnerAddress}:${sinkPort}/${name}`;

/** Alertmanager 0.25 gets the rendered routes with every receiver as one webhook to the test. */
function adjustments(extra?: (container: string, file: string, content: string) => string): UploadAdjustment {
  return (container, file, content) => {
    let out = content;
    if (container === "alertmanager-config-loader" && file === "/staging/alertmanager.yml") {
      const names = (parse(content).receivers as { name: string }[]).map((r) => r.name);
      out = rewriteAlertmanagerForTest(content, Object.fromEntries(names.map((n) => [n, receiverUrl(n)])));
    }
    return extra ? extra(container, file, out) : out;
  };
}

function applier(stack: string, adjust: UploadAdjustment): StackApplier {
  const host = hosts[stack];
  return new StackApplier(
    host.api,
    {
      variable: (name) => {
        if (!variables.has(name)) variables.set(name, name.endsWith("_url") ? receiverUrl(name) : testPassword());
        return variables.get(name)!;
      },
      password: (who, attribute) => (attribute === "result" ? pki.passwords.get(who) : pki.hashes.get(who)) ?? fail(`no test password for ${who}`),
      tls: (host, part) => (host === "ca" ? pki.caCert : pki.hosts.get(host)?.[part] ?? fail(`no test certificate for ${host}`)),
      hub: stacks[HUB],
    },
    adjust,
  );
}

function fail(message: string): never {
  throw new Error(message);
}

const imageNames = (stack: StackJson) => Object.values<any>(stack.resource.docker_image ?? {}).map((i) => i.name as string);
const hubUrl = (port: number, path: string) => `https://${hosts[HUB].address}:${port}${path}`;
const operator = (): RequestOptions => ({ ca: pki.caCert, auth: { user: "operator", password: pki.passwords.get("operator")! } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s${last ? `: ${(last as Error).message}` : ""}`);
    await sleep(1000);
  }
}

async function query(expr: string, time?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const at = time === undefined ? "" : `&time=${time}`;
  const res = await request(hubUrl(9090, `/api/v1/query?query=${encodeURIComponent(expr)}${at}`), operator());
  if (res.status !== 200) throw new Error(`query ${expr}: ${res.status} ${res.body}`);
  return JSON.parse(res.body).data.result;
}

/** An HTTPS request made inside a host's network namespace (for ports published on its 127.0.0.1). */
async function requestInHost(host: DockerHost, url: string, options: { method?: string; body?: string; auth?: { user: string; password: string } } = {}): Promise<{ status: number; body: string }> {
  const script = `const o=JSON.parse(require("fs").readFileSync(0,"utf8"));const u=new URL(o.url);const h=o.headers;
const r=require("https").request(u,{method:o.method,ca:o.ca,headers:h,agent:false,timeout:10000},res=>{let b="";res.on("data",d=>b+=d);res.on("end",()=>process.stdout.write(JSON.stringify({status:res.statusCode,body:b})))});
r.on("error",e=>{process.stdout.write(JSON.stringify({status:0,body:e.message}))});if(o.body)r.write(o.body);r.end();`;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.auth) headers.authorization = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString("base64")}`;
  return JSON.parse(await runInHost(host, script, JSON.stringify({ url, method: options.method ?? "GET", ca: pki.caCert, headers, body: options.body })));
}

/** Runs `cmd` in a container of a host as the container's user. */
async function exec(stack: string, container: string, cmd: string[]) {
  return hosts[stack].api.exec(container, cmd);
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("the Docker tier starts its own dockerd in network namespaces: run the tests as root (sudo npm test)");
  const t0 = Date.now();
  lan = await TestLan.create();
  hosts = { [HUB]: lan.addHost("hub", 10), [PULL]: lan.addHost("pull", 21), [PUSH]: lan.addHost("push", 5) };
  const engines = Promise.all(Object.values(hosts).map((h) => h.start()));
  engines.catch(() => undefined);

  inventory = testInventory(lan.prefix);
  const outdir = join(lan.dir, "synth");
  const app = new App({ outdir });
  defineStacks(app, inventory);
  app.synth();
  stacks = Object.fromEntries([HUB, PULL, PUSH].map((s) => [s, JSON.parse(readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8"))]));
  pki = createTestPki(join(lan.dir, "pki"), [...issuedHostCertificates(inventory), { host: "intruder", dnsNames: ["intruder"], ipAddresses: ["127.0.0.1"] }], passwordIdentities(inventory));

  const t1 = Date.now();
  const specs = imageSpecs({
    cameraHub: inventory.hub.cameraHub.image,
    edgeAgent: [inventory.edgeAgent.image, ...inventory.sites.flatMap((s) => s.nodes.flatMap((n) => (n.edgeAgentImage ? [n.edgeAgentImage] : [])))],
    connectors: inventory.connectors.map((c) => c.image),
  });
  const built = buildImages(join(lan.dir, "images"), specs, Object.values(stacks).flatMap(imageNames));
  timings.imagesBuiltSeconds = (Date.now() - t1) / 1000;
  writeFileSync(join(lan.dir, "debs.txt"), debOrigins(built).join("\n"));
  await engines;
  timings.enginesReadySeconds = (Date.now() - t0) / 1000;
  const t2 = Date.now();
  await Promise.all(Object.entries(hosts).map(([stack, host]) => importImages(host.api, built, imageNames(stacks[stack]))));
  timings.imagesImportedSeconds = (Date.now() - t2) / 1000;

  sink = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body });
      res.end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, lan.runnerAddress, r));
  sinkPort = (sink.address() as { port: number }).port;

  // Nothing leaves for an address outside the machine: checked on what is applied, before anything starts.
  appliers = Object.fromEntries([HUB, PULL, PUSH].map((s) => [s, applier(s, adjustments())]));
  for (const host of Object.values(hosts)) {
    host.installEgressRule();
    egressBeforeFirstContainer[host.name] = host.hasEgressRule() && (await host.api.json<any[]>("GET", "/containers/json?all=1")).length === 0;
  }
  for (const [stack, json] of Object.entries(stacks)) {
    const outside = outsideAddresses(JSON.stringify(json.resource.docker_container) + JSON.stringify(json.resource.docker_network ?? {}));
    if (outside.length > 0) throw new Error(`${stack} would dial addresses outside the test: ${outside.join(", ")}`);
  }

  const t3 = Date.now();
  const results = await Promise.allSettled([HUB, PULL, PUSH].map((s) => appliers[s].apply(stacks[s])));
  timings.applySeconds = (Date.now() - t3) / 1000;
  const failures = results.flatMap((r, i) => (r.status === "rejected" ? [`${[HUB, PULL, PUSH][i]}: ${(r.reason as Error).message}`] : []));
  if (failures.length > 0) throw new Error(failures.join("\n"));
}, 600_000);

afterAll(async () => {
  for (const stop of stops) await stop().catch(() => undefined);
  await new Promise<void>((r) => (sink ? sink.close(() => r()) : r()));
  if (lan && process.env.DOCKER_TIER_KEEP) console.log(`DOCKER_TIER_KEEP: left ${lan.dir} (sockets under it) for inspection`);
  else if (lan) {
    await lan.destroy();
    const left = lan.leftovers();
    if (left.length > 0) throw new Error(`the Docker tier left: ${left.join("; ")}`);
  }
}, 180_000);

test("the egress rule is on every host before the first container starts, and every dialled address is loopback or the test LAN", () => {
  expect(egressBeforeFirstContainer).toEqual({ hub: true, pull: true, push: true });
  for (const json of Object.values(stacks)) expect(outsideAddresses(JSON.stringify(json.resource))).toEqual([]);
});

test("every loader exits 0 and leaves files the service's user can read; every service runs", async () => {
  for (const stack of [HUB, PULL, PUSH]) {
    const api = hosts[stack].api;
    for (const [id, body] of Object.entries<any>(stacks[stack].resource.docker_container)) {
      const info = await api.json("GET", `/containers/${encodeURIComponent(body.name)}/json`);
      if (body.attach) {
        expect([body.name, info.State.Status, info.State.ExitCode]).toEqual([body.name, "exited", 0]);
        continue;
      }
      expect([body.name, info.State.Running]).toEqual([body.name, true]);
      const config = (body.volumes ?? []).find((v: any) => v.read_only && /config-volume/.test(v.volume_name));
      if (!config) continue;
      // As the container's own user (the image's, or the spec's `user`).
      const read = await exec(stack, body.name, ["sh", "-c", `find ${config.container_path} -type f | while read f; do cat "$f" >/dev/null || exit 1; done; id -u`]);
      expect([`${stack}/${id}`, read.exitCode]).toEqual([`${stack}/${id}`, 0]);
    }
  }
});

test("Prometheus scrapes every hub target over TLS with basic auth (up == 1); the node that is not run is down", async () => {
  type Target = { labels: Record<string, string>; health: string; scrapeUrl: string; lastError: string };
  const targets = await until(
    "every target scraped, every deployed one up",
    async () => {
      const res = await request(hubUrl(9090, "/api/v1/targets?state=active"), operator());
      const all = JSON.parse(res.body).data.activeTargets as Target[];
      const deployed = all.filter((t) => t.labels.node !== "garage");
      // Name what is still missing, so a timeout says which target and why.
      const waiting = [...all.filter((t) => t.health === "unknown"), ...deployed.filter((t) => t.health === "down")];
      if (waiting.length > 0) throw new Error(waiting.map((t) => `${t.labels.job}/${t.labels.node} ${t.health} ${t.scrapeUrl} ${t.lastError}`).join("; "));
      return all;
    },
    150_000,
  );
  const down = targets.filter((t) => t.health !== "up").map((t) => `${t.labels.job}/${t.labels.node}`);
  expect(down.every((t) => t.endsWith("/garage"))).toBe(true);
  expect(down.length).toBeGreaterThan(0);
  // TLS with basic auth where the job says so: every https target is up.
  expect(targets.filter((t) => t.scrapeUrl.startsWith("https://") && t.health === "up").length).toBeGreaterThan(10);
  const jobs = new Set(targets.filter((t) => t.health === "up").map((t) => t.labels.job));
  for (const job of ["prometheus", "alertmanager", "pushgateway", "node-exporter", "blackbox-exporter", "certificate-probe", "loki", "grafana", "log-agent", "edge-agent"]) expect([...jobs]).toContain(job);
});

test("the push edge's agent remote-writes to the hub", async () => {
  const series = await until("samples from cabin/lodge", async () => {
    const r = await query('up{site="cabin",node="lodge"}');
    const jobs = r.map((s) => s.metric.job);
    return jobs.includes("node-exporter") && jobs.includes("prometheus-agent") && r.every((s) => s.value[1] === "1") ? r : undefined;
  }, 120_000);
  expect(series.map((s) => s.metric.job)).toEqual(expect.arrayContaining(["node-exporter", "prometheus-agent"]));
});

test("the Loki gateway accepts a push with the hub's and an edge's certificate and refuses others", async () => {
  const url = hubUrl(3100, "/loki/api/v1/push");
  const body = JSON.stringify({ streams: [{ stream: { job: "docker-tier" }, values: [[`${Date.now()}000000`, "hello"]] }] });
  const withCert = (host: string): RequestOptions => ({ method: "POST", body, ca: pki.caCert, cert: pki.hosts.get(host)!.cert, key: pki.hosts.get(host)!.key, headers: { "content-type": "application/json" } });
  expect(await statusOf(url, withCert("hub"))).toBe(204);
  expect(await statusOf(url, withCert(PULL))).toBe(204);
  expect(await statusOf(url, withCert("intruder"))).toBe(403);
  expect(await statusOf(url, { method: "POST", body, ca: pki.caCert })).toBe(400);
  // The log agents' own pushes (their synthesized client settings) arrived through the gateways.
  const pushes = await until("pushes from every log agent", async () => {
    const out = await exec(HUB, "loki", ["wget", "-q", "-O", "-", "http://127.0.0.1:3100/standin/pushes"]);
    const seen = JSON.parse(out.output) as Record<string, number>;
    return ["hub", PULL, PUSH].every((who) => seen[who] > 0) ? seen : undefined;
  }, 60_000);
  expect(Object.keys(pushes).sort()).toEqual(["edge-cabin-lodge", "edge-home-porch", "hub"]);
});

test("Loki's network reaches nothing but its peers", async () => {
  // A listener on every address of the hub host (0.0.0.0), like sshd would be.
  const port = 20_000 + Math.floor(Math.random() * 5_000);
  const listener = startInHost(hosts[HUB], `require("net").createServer(s=>s.end("host\\n")).listen(${port},"0.0.0.0")`);
  stops.push(listener.stop);
  const api = hosts[HUB].api;
  const ipOn = async (container: string, network: string) => (await api.json("GET", `/containers/${container}/json`)).NetworkSettings.Networks[network]?.IPAddress as string;
  const gateway = async (network: string) => ((await api.json("GET", `/networks/${network}`)).IPAM.Config[0]?.Gateway as string | undefined) ?? "";
  const reach = async (container: string, address: string, p: number) => (await exec(HUB, container, ["nc", "-w", "3", address, String(p)])).exitCode === 0;
  // Positive control: from the ordinary stack network the host's listener answers.
  await until("the host listener", async () => ((await reach("grafana", hosts[HUB].address, port)) ? true : undefined), 15_000);

  const peers: [string, number][] = [["prometheus", 9090], ["alertmanager", 9093], ["grafana", 3000], ["loki-gateway", 3100]];
  for (const [peer, p] of peers) expect([peer, await reach("loki", peer, p)]).toEqual([peer, true]);
  const observabilityGateway = await gateway("observability");
  const lokiGateway = await gateway("observability-loki");
  const notPeers: [string, string, number][] = [
    ["the hub host on its LAN address", hosts[HUB].address, port],
    ["the hub's node_exporter", hosts[HUB].address, 9100],
    ["the hub host on the stack network's gateway", observabilityGateway, port],
    ["the hub host on the default bridge", "198.19.0.1", port],
    ["the pushgateway (not a peer)", await ipOn("pushgateway", "observability"), 9091],
    ["the pull node", hosts[PULL].address, 9100],
    ["the test runner", lan.runnerAddress, sinkPort],
  ];
  if (lokiGateway) notPeers.push(["the hub host on Loki's network gateway", lokiGateway, port]);
  for (const [what, address, p] of notPeers) expect([what, address, await reach("loki", address, p)]).toEqual([what, address, false]);
});

test("memory footprint and time to healthy", async () => {
  const rows: { stack: string; container: string; peakMiB: number; limitMiB: number; createToReadySeconds: number }[] = [];
  for (const stack of [HUB, PULL, PUSH]) {
    for (const [name, id] of appliers[stack].containers()) {
      const peak = hosts[stack].peakMemoryBytes(id);
      const [address, body] = Object.entries<any>(stacks[stack].resource.docker_container).find(([, c]) => c.name === name)!;
      const t = appliers[stack].timings.get(`docker_container.${address}`)!;
      // A loader's cgroup goes when it exits: only running containers have a peak to read.
      if (peak !== undefined) rows.push({ stack, container: name, peakMiB: Math.round((peak / 1048576) * 10) / 10, limitMiB: body.memory ?? 0, createToReadySeconds: (t.done - t.created) / 1000 });
    }
  }
  const healthy: Record<string, number> = {};
  for (const stack of [HUB, PULL, PUSH]) {
    const t = [...appliers[stack].timings.values()];
    healthy[stack] = (Math.max(...t.map((x) => x.done)) - Math.min(...t.map((x) => x.created))) / 1000;
  }
  const report = { timings, firstCreateToAllHealthySeconds: healthy, rows, totalsMiB: Object.fromEntries([HUB, PULL, PUSH].map((s) => [s, Math.round(rows.filter((r) => r.stack === s).reduce((a, r) => a + r.peakMiB, 0))])) };
  const out = process.env.DOCKER_FOOTPRINT_FILE;
  if (out) {
    mkdirSync(join(out, ".."), { recursive: true });
    writeFileSync(out, JSON.stringify(report, null, 2));
  }
  expect(rows.length).toBeGreaterThan(20);
  for (const r of rows) expect([r.container, r.peakMiB < r.limitMiB || r.limitMiB === 0]).toEqual([r.container, true]);
});

test("a changed config replaces loader and service, and the data volumes keep their series and silences", async () => {
  // A moment with samples on the volume (the first scrape may still be due when run alone).
  let before = 0;
  const seriesBefore = await until("a sample of job prometheus", async () => {
    before = Math.floor(Date.now() / 1000) - 5;
    const r = await query('count(up{job="prometheus"})', before);
    return r.length === 1 ? r : undefined;
  }, 90_000);
  const silence = await requestInHost(hosts[HUB], "https://127.0.0.1:9093/api/v2/silences", {
    method: "POST",
    auth: { user: "operator", password: pki.passwords.get("operator")! },
    body: JSON.stringify({ matchers: [{ name: "alertname", value: "DockerTier", isRegex: false }], startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), createdBy: "docker tier", comment: "survives replacement" }),
  });
  expect(silence.status).toBe(200);
  const silenceId = JSON.parse(silence.body).silenceID;
  const oldIds = appliers[HUB].containers();

  const changed = applier(HUB, adjustments((container, file, content) => (["prometheus-config-loader", "alertmanager-config-loader"].includes(container) && /\/(prometheus|alertmanager)\.yml$/.test(file) ? `${content}\n# changed by the Docker tier\n` : content)));
  // The new applier takes over the state of the first.
  for (const [address, applied] of appliers[HUB].state) changed.state.set(address, applied);
  const from = changed.events.length;
  await changed.apply(stacks[HUB]);
  appliers[HUB] = changed;
  const steps = changed.events.slice(from).map((e) => `${e.op} ${e.name}`);
  for (const service of ["prometheus", "alertmanager"]) {
    const mine = steps.filter((s) => s.endsWith(` ${service}`) || s.endsWith(` ${service}-config-loader`));
    expect(mine).toEqual([`destroy ${service}`, `destroy ${service}-config-loader`, `create ${service}-config-loader`, `create ${service}`]);
    // Stopped with its grace (destroy_grace_seconds), not killed: 0, not 137.
    expect([service, changed.events.find((e) => e.op === "destroy" && e.name === service)?.exitCode]).toEqual([service, 0]);
    expect(changed.containers().get(service)).not.toBe(oldIds.get(service));
  }
  expect(steps.filter((s) => !/ (prometheus|alertmanager)(-config-loader)?$/.test(s))).toEqual([]);

  await until("Prometheus answering again", async () => ((await query("up")).length > 0 ? true : undefined), 60_000);
  expect(await query('count(up{job="prometheus"})', before)).toEqual(seriesBefore);
  const silences = await requestInHost(hosts[HUB], "https://127.0.0.1:9093/api/v2/silences", { auth: { user: "operator", password: pki.passwords.get("operator")! } });
  expect(JSON.parse(silences.body).map((s: any) => [s.id, s.status.state])).toContainEqual([silenceId, "active"]);
});

test("no service restarted during the run, and every one with a healthcheck is healthy", async () => {
  for (const stack of [HUB, PULL, PUSH]) {
    for (const body of Object.values<any>(stacks[stack].resource.docker_container)) {
      if (body.attach) continue;
      const info = await hosts[stack].api.json("GET", `/containers/${encodeURIComponent(body.name)}/json`);
      expect([stack, body.name, info.State.Running, info.RestartCount, info.State.Health?.Status ?? "no healthcheck"]).toEqual([
        stack,
        body.name,
        true,
        0,
        body.healthcheck ? "healthy" : "no healthcheck",
      ]);
    }
  }
});

test("a service with an invalid config makes the apply fail, naming the container", async () => {
  const broken = applier(HUB, adjustments((container, file, content) => {
    if (container !== "alertmanager-config-loader" || file !== "/staging/alertmanager.yml") return content;
    const doc = parse(content);
    doc.route.receiver = "no-such-receiver";
    return stringify(doc);
  }));
  for (const [address, applied] of appliers[HUB].state) broken.state.set(address, applied);
  await expect(broken.apply(stacks[HUB])).rejects.toThrow(/docker_container\.alertmanager_service_container_\w+ \(container "alertmanager"\): container failed to be in healthy state/);
});
