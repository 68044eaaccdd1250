// Slow: the large-household example's three Alertmanager replicas run for real
// (Debian's Alertmanager 0.25) on 127.0.0.1 as a gossip cluster, each with its
// rendered files (web config, cluster TLS config, routing) and its synthesized
// command, addresses mapped to loopback ports; test credentials come from the
// stack's own certificate specs (support/pki.ts). A real Prometheus (2.42) sends
// alerts with the rendered `alerting` section to every replica. Checks: one
// notification per alert at each receiver, a silence made on one replica honoured
// by all, a replica killed mid-run loses no notification, and it rejoins.
// Every process is stopped by PID in afterAll.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { App } from "cdktf";
import { parse, stringify } from "yaml";
import type { Placeholder } from "../../constructs/config/terraform-content";
import { passwordIdentities } from "../../security/pki";
import { issuedHostCertificates } from "../support/certificates";
import { defineStacks } from "../../stacks/app";
import { renderedFiles } from "../../stacks/rendered-files";
import { delay, LoopbackServer, Processes, Receivers, rewriteAlertmanagerForTest, startPrometheus, TEST_TIMING, waitUntil } from "./e2e/harness";
import { request, RequestOptions } from "../support/http";
import { installService } from "../support/install";
import { RECEIVER_NAME_IN_METRICS } from "../../constructs/alertmanager";
import { largeHouseholdInventory, withPlainStackNames } from "../support/large-household";
import { createTestPki, TestPki } from "../support/pki";
import { freePort } from "../support/processes";
import { runTool } from "../support/tools";

jest.setTimeout(240_000);

const inventory = largeHouseholdInventory();
/** Alertmanager's default --cluster.peer-timeout: the second replica waits this long for the first's notification, the third twice as long. */
const PEER_TIMEOUT_MS = 15_000;

interface Replica {
  readonly name: string;
  readonly stack: string;
  readonly url: string;
  readonly args: string[];
}

let dir: string;
let pki: TestPki;
let rendered: Map<string, string>;
let receivers: Receivers;
let alerts: LoopbackServer;
const processes = new Processes();
const replicas: Replica[] = [];
/** Which test alerts the stand-in reports firing (`test_alert{case="..."} 1`). */
const firing = new Set<string>();
const CASES = ["first", "silenced", "outage", "rejoined"] as const;
const alertname = (c: string) => `HaTest_${c}`;

const fill = (p: Placeholder) => (p.kind === "var" ? "http://127.0.0.1:9/unused" : pki.value(p));
const operator = (): RequestOptions => ({ ca: pki.caCert, auth: { user: "operator", password: pki.passwords.get("operator")! } });

async function api(replica: Replica, path: string, options: RequestOptions = {}): Promise<any> {
  const res = await request(`${replica.url}${path}`, { ...operator(), ...options });
  if (res.status !== 200) throw new Error(`${replica.name} ${path}: HTTP ${res.status} ${res.body}`);
  return res.body ? JSON.parse(res.body) : undefined;
}

const status = (r: Replica) => api(r, "/api/v2/status");

function startReplica(r: Replica): void {
  processes.start(r.name, "prometheus-alertmanager", r.args);
}

async function untilClustered(members: readonly Replica[], what: string): Promise<void> {
  await waitUntil(
    what,
    async () => {
      for (const r of members) {
        const started = processes.get(r.name);
        if (started && started.process.exitCode !== null) throw new Error(`${r.name} exited:\n${started.output()}`);
        const s = await status(r);
        if (s.cluster.status !== "ready" || s.cluster.peers.length !== members.length) return false;
      }
      return true;
    },
    90_000,
    250,
  );
}

/** The replica that notifies first: position 0, the lowest peer name. */
async function firstInLine(members: readonly Replica[]): Promise<Replica> {
  const names = await Promise.all(members.map(async (r) => ({ r, name: (await status(r)).cluster.name as string })));
  return names.sort((a, b) => a.name.localeCompare(b.name))[0].r;
}

/** Firing deliveries of a test alert, by receiver. */
function firingAt(c: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of receivers.matching((d) => d.status === "firing" && d.labels.alertname === alertname(c))) counts[d.receiver] = (counts[d.receiver] ?? 0) + 1;
  return counts;
}

const critical = inventory.alerting.routes.critical;
const once = () => Object.fromEntries(critical.map((r) => [r, 1]));

async function silence(on: Replica, alert: string): Promise<string> {
  const now = Date.now();
  const body = JSON.stringify({
    matchers: [{ name: "alertname", value: alert, isRegex: false, isEqual: true }],
    startsAt: new Date(now - 1000).toISOString(),
    endsAt: new Date(now + 3_600_000).toISOString(),
    createdBy: "alertmanager-ha test",
    comment: `silence made on ${on.name}`,
  });
  return (await api(on, "/api/v2/silences", { method: "POST", body, headers: { "content-type": "application/json" } })).silenceID;
}

async function untilSilenceEverywhere(id: string, members: readonly Replica[]): Promise<void> {
  await waitUntil(`silence ${id} on ${members.map((r) => r.name).join(", ")}`, async () => {
    for (const r of members) if (!(await api(r, "/api/v2/silences")).some((s: any) => s.id === id && s.status.state === "active")) return false;
    return true;
  }, 30_000, 250);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "alertmanager-ha-"));
  const outdir = join(dir, "cdktf.out");
  const app = new App({ outdir });
  defineStacks(app, inventory);
  rendered = withPlainStackNames(renderedFiles(app), inventory);
  app.synth();
  pki = createTestPki(join(dir, "pki"), issuedHostCertificates(inventory), passwordIdentities(inventory));
  receivers = await Receivers.start(parse(rendered.get("hub/alertmanager/alertmanager.yml")!).receivers.map((r: { name: string }) => r.name));

  // Each replica's synthesized container, and loopback ports for its addresses.
  const found = ["hub", "edge-home-garage"].flatMap((stack) => {
    const json = JSON.parse(readFileSync(join(outdir, "stacks", `${inventory.hub.deployment}-${stack}`, "cdk.tf.json"), "utf8"));
    return Object.values<{ name: string; command: string[] }>(json.resource.docker_container)
      .filter((c) => /^alertmanager(-\d)?$/.test(c.name))
      .map((c) => ({ stack, ...c }));
  });
  expect(found.map((c) => c.name).sort()).toEqual(["alertmanager", "alertmanager-2", "alertmanager-3"]);
  const loopback = new Map<string, string>();
  const mapped = async (address: string) => {
    if (!loopback.has(address)) loopback.set(address, `127.0.0.1:${await freePort()}`);
    return loopback.get(address)!;
  };
  const flagValue = (command: string[], flag: string) => command.find((a) => a.startsWith(`${flag}=`))!.slice(flag.length + 1);
  for (const c of found) {
    await mapped(flagValue(c.command, "--web.listen-address"));
    await mapped(flagValue(c.command, "--cluster.listen-address"));
  }

  for (const c of found) {
    const localDir = join(dir, c.stack, c.name);
    const files = installService(rendered, `${c.stack}/${c.name}`, "/etc/alertmanager", localDir, fill);
    // Alertmanager 0.25 predates the receivers' *_file settings: every receiver becomes a
    // webhook to the local stand-in; route tree and inhibitions stay, intervals are capped.
    const config = files.get("alertmanager.yml")!;
    writeFileSync(config, rewriteAlertmanagerForTest(readFileSync(config, "utf8"), receivers.urls, { ...TEST_TIMING, repeatIntervalSeconds: 3600 }));
    const args = [];
    for (const arg of c.command) {
      const [flag, value] = arg.split(/=(.*)/s);
      if (["--web.listen-address", "--cluster.listen-address", "--cluster.advertise-address", "--cluster.peer"].includes(flag)) args.push(`${flag}=${await mapped(value)}`);
      else if (flag === "--storage.path") args.push(`--storage.path=${join(localDir, "data")}`);
      // Alertmanager 0.25 (Debian) has no feature flags; receiver names in its metrics came with 0.26.
      else if (arg === RECEIVER_NAME_IN_METRICS) continue;
      else args.push(arg.split("/etc/alertmanager/").join(`${localDir}/`));
    }
    replicas.push({ name: c.name, stack: c.stack, url: `https://${await mapped(flagValue(c.command, "--web.listen-address"))}`, args });
  }
  for (const r of replicas) startReplica(r);
  await untilClustered(replicas, "three replicas in one cluster");

  // Prometheus with the rendered alerting section (HTTPS, basic auth, the CA) at the
  // three loopback replicas, evaluating one test alert per scenario.
  alerts = new LoopbackServer("alerts", await freePort(), () => CASES.map((c) => `test_alert{case="${c}"} ${firing.has(c) ? 1 : 0}\n`).join(""));
  await alerts.up();
  const configDir = join(dir, "prometheus");
  const files = installService(rendered, "hub/prometheus", "/etc/prometheus", configDir, fill);
  const doc = parse(readFileSync(files.get("prometheus.yml")!, "utf8"));
  doc.global = { scrape_interval: "1s", evaluation_interval: "1s" };
  doc.rule_files = ["ha-rules.yml"];
  for (const am of doc.alerting.alertmanagers) am.static_configs = am.static_configs.map((g: any) => ({ targets: g.targets.map((t: string) => loopback.get(t)) }));
  doc.scrape_configs = [{ job_name: "alerts", static_configs: [{ targets: [`127.0.0.1:${alerts.port}`] }] }];
  delete doc.remote_write;
  writeFileSync(files.get("prometheus.yml")!, stringify(doc));
  writeFileSync(
    join(configDir, "ha-rules.yml"),
    stringify({ groups: [{ name: "ha-test", rules: CASES.map((c) => ({ alert: alertname(c), expr: `test_alert{case="${c}"} == 1`, labels: { severity: "critical", site: "hub" } })) }] }),
  );
  const prometheus = await startPrometheus(processes, "prometheus", { configDir, dataDir: join(configDir, "data"), port: await freePort(), flags: ["--rules.alert.resend-delay=1s"] });
  await waitUntil("Prometheus to send to all three replicas", async () => {
    const res = await fetch(`${prometheus.url}/api/v1/alertmanagers`);
    return ((await res.json()) as any).data.activeAlertmanagers.length === 3;
  }, 30_000, 250);
}, 180_000);

afterAll(async () => {
  await processes.stopAll();
  await alerts?.down();
  await receivers?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("Alertmanager replicas in a gossip cluster (slow)", () => {
  it("checks each replica's alertmanager.yml with amtool 0.25", () => {
    for (const r of replicas) {
      const { code, output } = runTool("amtool", ["check-config", r.args.find((a) => a.startsWith("--config.file="))!.slice("--config.file=".length)]);
      expect({ replica: r.name, code, output }).toEqual({ replica: r.name, code: 0, output: expect.stringContaining("SUCCESS") });
    }
  });

  it("takes gossip only from a peer with a certificate from the private CA (mutual TLS)", async () => {
    const port = Number(replicas[0].args.find((a) => a.startsWith("--cluster.listen-address="))!.split(":").pop());
    /** "accepted" when the handshake holds a moment after sending; otherwise why it was cut. */
    const handshake = (client: { cert?: string; key?: string }) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host: "127.0.0.1", port, ca: pki.caCert, ...client }, () => {
          socket.write("\u0000");
          setTimeout(() => {
            resolve("accepted");
            socket.destroy();
          }, 1_500);
        });
        socket.on("error", (e) => resolve(`refused: ${e.message}`));
        socket.on("close", () => resolve("refused: closed"));
      });
    expect(await handshake({})).toMatch(/^refused/);
    const other = createTestPki(join(dir, "other-pki"), [{ host: "stranger", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] }], []);
    expect(await handshake(other.hosts.get("stranger")!)).toMatch(/^refused/);
    expect(await handshake(pki.hosts.get("hub")!)).toBe("accepted");
  });

  it("sends one notification per alert to each receiver, and a silence made on one replica is honoured by all", async () => {
    const silenceId = await silence(replicas[1], alertname("silenced"));
    await untilSilenceEverywhere(silenceId, replicas);
    firing.add("first");
    firing.add("silenced");
    await receivers.waitForEach(critical, (d) => d.status === "firing" && d.labels.alertname === alertname("first"), 30_000, alertname("first"));
    // Every replica has the silenced alert, and each suppresses it by the silence.
    await waitUntil("the silenced alert suppressed on every replica", async () => {
      for (const r of replicas) {
        const found = (await api(r, `/api/v2/alerts?filter=${encodeURIComponent(`alertname="${alertname("silenced")}"`)}`)) as any[];
        if (found.length !== 1 || found[0].status.state !== "suppressed" || !found[0].status.silencedBy.includes(silenceId)) return false;
      }
      return true;
    }, 30_000, 250);
    // Past the last replica's wait (two peer timeouts): still one of each, none silenced.
    await delay(2 * PEER_TIMEOUT_MS + 5_000);
    expect(firingAt("first")).toEqual(once());
    expect(firingAt("silenced")).toEqual({});
  });

  it("loses no notification when the replica first in line is killed mid-run, and the killed replica rejoins", async () => {
    const victim = await firstInLine(replicas);
    const survivors = replicas.filter((r) => r !== victim);
    process.kill(processes.get(victim.name)!.process.pid!, "SIGKILL");
    await processes.stop(victim.name);
    firing.add("outage");
    // The next in line notifies once its peer timeout passes without the victim's entry.
    await receivers.waitForEach(critical, (d) => d.status === "firing" && d.labels.alertname === alertname("outage"), 3 * PEER_TIMEOUT_MS + 15_000, alertname("outage"));
    // A silence made while it is away reaches it when it rejoins.
    const whileAway = await silence(survivors[1], alertname("rejoined"));
    await untilSilenceEverywhere(whileAway, survivors);

    startReplica(victim);
    await untilClustered(replicas, "the killed replica back in the cluster");
    await untilSilenceEverywhere(whileAway, replicas);
    // It learnt the notification log too: no second notification of the outage alert, from it or anyone.
    await delay(2 * PEER_TIMEOUT_MS + 5_000);
    expect(firingAt("outage")).toEqual(once());
    expect(firingAt("first")).toEqual(once());
    // And silences made elsewhere hold on it too.
    firing.add("rejoined");
    await waitUntil("the rejoined replica to suppress the alert silenced while it was away", async () => {
      const found = (await api(victim, `/api/v2/alerts?filter=${encodeURIComponent(`alertname="${alertname("rejoined")}"`)}`)) as any[];
      return found.length === 1 && found[0].status.state === "suppressed";
    }, 30_000, 250);
    expect(firingAt("rejoined")).toEqual({});
  });
});
