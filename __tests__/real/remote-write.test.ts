// Slow: the hub's Prometheus (Debian 2.42) remote-writes to a real long-term store,
// Debian's VictoriaMetrics 1.79, on 127.0.0.1, with the remote_write blocks the
// large-household example renders (basic auth from a password file, tenant header,
// queue settings, write relabelling, the deployment's external label). Checks: the
// series arrive with their labels; a 30 s outage of the store loses no sample; a
// write without the store's credentials is refused (VictoriaMetrics -httpAuth.*).
// promtool checks the rendered config as it is. Every process is stopped by PID.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { parse, stringify } from "yaml";
import type { Placeholder } from "../../constructs/config/terraform-content";
import { defineStacks } from "../../stacks/app";
import { renderedFiles } from "../../stacks/rendered-files";
import { delay, LoopbackServer, Processes, startPrometheus, waitUntil } from "./e2e/harness";
import { request } from "../support/http";
import { installService } from "../support/install";
import { largeHouseholdInventory, withPlainStackNames } from "../support/large-household";
import { testPassword } from "../support/pki";
import { freePort } from "../support/processes";
import { runTool } from "../support/tools";

jest.setTimeout(180_000);

const inventory = largeHouseholdInventory();
const mimir = inventory.hub.remoteWrite.find((t) => t.name === "mimir")!;
if (mimir.auth?.type !== "basic") throw new Error("the large-household example's mimir target should use basic auth");
const STORE_USER = mimir.auth.username;
const STORE_PASSWORD = testPassword();
const OUTAGE_MS = 30_000;

let dir: string;
let rendered: Map<string, string>;
const processes = new Processes();
let store: { url: string; port: number; dataDir: string };
let prometheusUrl: string;
let cameraHub: LoopbackServer;

/** The store's credentials for the variable the inventory names; anything else is a harmless stand-in. */
const fill = (p: Placeholder) => (p.kind !== "var" ? "placeholder" : p.name === (mimir.auth as { passwordVariable: string }).passwordVariable ? STORE_PASSWORD : "stand-in");

const storeAuth = { user: STORE_USER, password: STORE_PASSWORD };

async function startStore(): Promise<void> {
  const started = processes.start("victoria-metrics", "victoria-metrics", [
    `-httpListenAddr=127.0.0.1:${store.port}`,
    `-storageDataPath=${store.dataDir}`,
    `-httpAuth.username=${STORE_USER}`,
    `-httpAuth.password=${STORE_PASSWORD}`,
    "-search.disableCache",
    "-loggerLevel=WARN",
  ]);
  await waitUntil(
    "VictoriaMetrics to answer",
    async () => {
      if (started.process.exitCode !== null) throw new Error(`victoria-metrics exited:\n${started.output()}`);
      return (await request(`${store.url}/health`, { auth: storeAuth })).status === 200;
    },
    30_000,
  );
}

/** Raw samples in the store (VictoriaMetrics /api/v1/export: one JSON line per series). */
async function exported(selector: string): Promise<{ metric: Record<string, string>; values: number[]; timestamps: number[] }[]> {
  const res = await request(`${store.url}/api/v1/export?match[]=${encodeURIComponent(selector)}`, { auth: storeAuth });
  if (res.status !== 200) throw new Error(`export ${selector}: HTTP ${res.status} ${res.body}`);
  return res.body
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

async function prometheusQuery(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await request(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return JSON.parse(res.body).data.result;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "remote-write-"));
  const app = new App({ outdir: join(dir, "cdktf.out") });
  defineStacks(app, inventory);
  rendered = withPlainStackNames(renderedFiles(app), inventory);

  const storePort = await freePort();
  store = { port: storePort, url: `http://127.0.0.1:${storePort}`, dataDir: join(dir, "victoria-metrics") };
  await startStore();

  // The camera hub's stand-in: a counter that grows by one per scrape (so every sample
  // is told apart), a camera series the hub relabels with its site and node, and
  // blackbox-style probe series, one of which the write relabelling keeps home.
  const camera = inventory.sites[0].nodes[0].cameras[0];
  cameraHub = new LoopbackServer("tapo-camera-mcp", await freePort(), () => `tapo_camera_online{camera="${camera.name}"} 1\nprobe_http_status_code 200\nprobe_success 1\n`);
  await cameraHub.up();

  const configDir = join(dir, "prometheus");
  const files = installService(rendered, "hub/prometheus", "/etc/prometheus", configDir, fill);
  const doc = parse(readFileSync(files.get("prometheus.yml")!, "utf8"));
  // Test-only changes: 1 s scrapes of one rendered job at the stand-in, no rules or
  // Alertmanager, each store's URL at the local VictoriaMetrics (tagged by extra_label
  // so the test tells the two senders apart) and no CA for the plain-HTTP store.
  doc.global.scrape_interval = "1s";
  delete doc.rule_files;
  delete doc.alerting;
  doc.scrape_configs = doc.scrape_configs
    .filter((job: any) => job.job_name === "tapo-camera-mcp")
    .map((job: any) => ({ ...job, static_configs: job.static_configs.map((g: any) => ({ ...g, targets: [`127.0.0.1:${cameraHub.port}`] })) }));
  for (const rw of doc.remote_write) {
    rw.url = `${store.url}/api/v1/write?extra_label=via=${rw.name}`;
    delete rw.tls_config;
  }
  writeFileSync(files.get("prometheus.yml")!, stringify(doc));
  prometheusUrl = (await startPrometheus(processes, "prometheus", { configDir, dataDir: join(configDir, "data"), port: await freePort() })).url;
}, 120_000);

afterAll(async () => {
  await processes.stopAll();
  await cameraHub?.down();
  rmSync(dir, { recursive: true, force: true });
});

describe("promtool (slow)", () => {
  it("accepts the large household's hub prometheus.yml with its remote_write blocks", () => {
    const installed = installService(rendered, "hub/prometheus", "/etc/prometheus", join(dir, "promtool"), () => "placeholder");
    const { code, output } = runTool("promtool", ["check", "config", installed.get("prometheus.yml")!]);
    expect({ code, output }).toEqual({ code: 0, output: expect.not.stringContaining("FAILED") });
    expect(parse(readFileSync(installed.get("prometheus.yml")!, "utf8")).remote_write).toHaveLength(2);
  });
});

describe("remote write to VictoriaMetrics 1.79 (slow)", () => {
  it("delivers the hub's series with their site, node and service labels and the deployment label", async () => {
    const [series] = await waitUntil("the camera hub's counter in the store", async () => {
      const found = await exported('standin_scrapes_total{via="mimir"}');
      return found.length > 0 && found;
    }, 60_000, 500);
    expect(series.metric).toEqual({
      __name__: "standin_scrapes_total",
      job: "tapo-camera-mcp",
      instance: `127.0.0.1:${cameraHub.port}`,
      site: "hub",
      node: "hub",
      service: "tapo-camera-mcp",
      deployment: "large-household",
      via: "mimir",
    });
    // The hub's metric relabelling (camera → site/node) travels too.
    const [camera] = await waitUntil("the camera series", async () => (await exported('tapo_camera_online{via="mimir"}')).filter((s) => s.metric.camera), 30_000, 500);
    expect(camera.metric).toMatchObject({ camera: inventory.sites[0].nodes[0].cameras[0].name, site: "home", node: "porch", deployment: "large-household" });
  });

  it("keeps what the write relabelling drops in the house: probe details stay on the hub, probe_success leaves", async () => {
    await waitUntil("probe_success in the store", async () => (await exported('probe_success{via="mimir"}')).length === 1, 30_000, 500);
    expect(await prometheusQuery("probe_http_status_code")).toHaveLength(1);
    expect(await exported('probe_http_status_code{via="mimir"}')).toEqual([]);
  });

  it("refuses writes without the store's credentials: a wrong password, none, and the bearer-token target", async () => {
    const body = Buffer.from("not even a snappy payload");
    const write = (auth?: { user: string; password: string }) => request(`${store.url}/api/v1/write`, { method: "POST", body, auth, headers: { "content-type": "application/x-protobuf", "content-encoding": "snappy" } });
    expect((await write()).status).toBe(401);
    expect((await write({ user: STORE_USER, password: testPassword() })).status).toBe(401);
    // The example's second store authenticates with a bearer token, which this store does not take.
    // Prometheus scrapes nothing of its own here: read its counters from /metrics.
    const failed = await waitUntil("the victoria queue to give up on a batch", async () => {
      const metrics = (await request(`${prometheusUrl}/metrics`)).body;
      const value = Number(/^prometheus_remote_storage_samples_failed_total\{[^}]*remote_name="victoria"[^}]*\} (\S+)$/m.exec(metrics)?.[1] ?? 0);
      return value > 0 && value;
    }, 60_000, 500);
    expect(failed).toBeGreaterThan(0);
    expect(await exported('{via="victoria"}')).toEqual([]);
  });

  it("loses no sample while the store is away for 30 s: every scrape of the outage arrives once it is back", async () => {
    // Everything scraped so far has arrived before the store goes away.
    const servedBefore = cameraHub.scrapes.length;
    await waitUntil("the samples so far in the store", async () => storedValues().then((v) => v.length >= servedBefore - 1), 30_000, 500);
    await processes.stop("victoria-metrics");
    const downAt = Date.now();
    await delay(OUTAGE_MS);
    const upAt = Date.now();
    const during = cameraHub.scrapes.filter((s) => s.at > downAt && s.at < upAt).map((s) => s.value);
    expect(during.length).toBeGreaterThanOrEqual(25); // 1 s scrapes for 30 s
    await startStore();
    const lastBeforeUp = Math.max(...cameraHub.scrapes.filter((s) => s.at < upAt).map((s) => s.value));
    const stored = await waitUntil(
      "every sample scraped until the store came back",
      async () => {
        const values = await storedValues();
        return values.includes(lastBeforeUp) && values;
      },
      60_000,
      500,
    );
    expect(during.filter((v) => !stored.includes(v))).toEqual([]);
    // And none twice: the store holds each counter value once, 1..n without a gap.
    const upTo = stored.filter((v) => v <= lastBeforeUp);
    expect(new Set(upTo).size).toBe(upTo.length);
    expect(upTo.length).toBe(lastBeforeUp - Math.min(...upTo) + 1);
  });
});

async function storedValues(): Promise<number[]> {
  const series = await exported('standin_scrapes_total{via="mimir"}');
  return series.flatMap((s) => s.values).sort((a, b) => a - b);
}
