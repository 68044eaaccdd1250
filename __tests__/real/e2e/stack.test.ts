// End-to-end (slow): the real Prometheus 2.42, Alertmanager 0.25, pushgateway,
// node_exporter and blackbox_exporter (Debian packages) run the configs rendered
// from the example inventory, on 127.0.0.1 with test-scaled intervals
// (harness.ts: TEST_TIMING). Faults are injected by closing loopback stand-ins and
// stopping processes; the checks are on what the webhook stand-ins of the
// receivers get, and on what Prometheus and Alertmanager hold.
//
// The scenarios run concurrently (test.concurrent), so the 30 s hub outage overlaps
// the rest; jest runs another test file beside this one (maxWorkers 2), so the
// checks wait on conditions, never on how long a step took. Scenarios 1–4 share one hub (they touch different nodes, connectors and
// alerts); 5–8 start their own Prometheus or Alertmanager (6 scrapes the shared
// stand-ins). beforeEach/afterEach do not wrap concurrent tests, so every scenario
// stops what it started, by PID, in a finally block (scenario()), and afterAll
// stops anything left. Latency and memory figures are printed and written to
// $TMPDIR/home-observability-e2e-figures.json (docs/alert-latency.md).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { CERTIFICATE_PROBE_JOB } from "../../../constructs/blackbox-exporter";
import { durationSeconds } from "../../../alert-rules/settings";
import { cameraOfflinePath, outlastsGroupWait, worstCaseSeconds } from "../../support/camera-latency";
import { exampleInventory, ROOT } from "../../support/example";
import { freePort } from "../../support/processes";
import {
  alertmanagerAlerts,
  AlertmanagerAlert,
  delay,
  Delivery,
  Hub,
  Labels,
  Processes,
  query,
  readRenderedDir,
  Receivers,
  rewriteAlertmanagerForTest,
  rewritePrometheusForTest,
  scaleBlackboxForTest,
  scaleRulesForTest,
  startAgent,
  startAlertmanager,
  startHub,
  startPrometheus,
  StandIns,
  TEST_TIMING as T,
  untilAlertmanagerDiscovered,
  untilTargetsUp,
  waitUntil,
  writePrometheusConfig,
} from "./harness";

const inventory = exampleInventory();
const files = readRenderedDir(join(ROOT, "rendered"));
const CRITICAL = [...inventory.alerting.routes.critical].sort();
const WARNING = [...inventory.alerting.routes.warning].sort();
const HEARTBEAT = inventory.alerting.heartbeat!;
const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** A rendered rule of the hub, by alert name. */
function rule(alert: string): { for?: string; expr: string } {
  for (const [key, content] of files)
    if (key.startsWith("hub/prometheus/rules/")) for (const group of parse(content).groups) for (const r of group.rules) if (r.alert === alert) return r;
  throw new Error(`no rule ${alert}`);
}
/** Camera dark → pager as the rendered files configure it (the production intervals). */
const CAMERA_PATH = cameraOfflinePath(files);
/** The same path in the test copies (scaleRulesForTest, scaleBlackboxForTest, rewriteAlertmanagerForTest). */
const TEST_CAMERA_PATH = {
  window: CAMERA_PATH.window / T.probeTimeDivisor,
  evaluation: CAMERA_PATH.evaluation / T.probeTimeDivisor,
  for: CAMERA_PATH.for / T.ruleTimeDivisor,
  group_wait: Math.min(CAMERA_PATH.groupWait, T.groupWaitSeconds),
};
/** CameraOffline's keep_firing_for in the test copies. */
const TEST_KEEP_FIRING_FOR = CAMERA_PATH.keepFiringFor / T.probeTimeDivisor;
/** A rule's `for`, test-scaled, in seconds (as scaleRulesForTest does). */
const scaledFor = (alert: string) => Math.max(1, durationSeconds(rule(alert).for ?? "0s") / T.ruleTimeDivisor);
/** A rule's staleness threshold (`time() - x > N`), test-scaled, in seconds. */
const scaledStaleThreshold = (alert: string) => Math.max(1, Number(/> (\d+)$/.exec(rule(alert).expr)![1]) / T.ruleTimeDivisor);

// ---------------------------------------------------------------------------
// Figures and clean-up

interface Latency {
  readonly scenario: string;
  readonly measuredSeconds: number;
  /** Sum of the configured intervals the path waits on, at most. */
  readonly budgetSeconds: number;
  readonly budget: string;
}
const latencies: Latency[] = [];
const memory: { scenario: string; process: string; peakRssMiB: number }[] = [];
const leftovers = new Set<() => Promise<void>>();

function recordLatency(scenario: string, measuredMs: number, parts: Record<string, number>) {
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const budgetSeconds = round(Object.values(parts).reduce((a, b) => a + b, 0));
  const budget = `${Object.entries(parts).map(([k, v]) => `${k} ${round(v)}`).join(" + ")} = ${budgetSeconds} s`;
  latencies.push({ scenario, measuredSeconds: seconds(measuredMs), budgetSeconds, budget });
}

function recordMemory(scenario: string, processes: Processes) {
  for (const p of processes.peaks) memory.push({ scenario, process: p.process, peakRssMiB: Math.round(p.peakRssKiB / 102.4) / 10 });
}

/** Runs `body` with its own Processes and temp dir; stops and removes both even on failure. */
async function scenario<R>(name: string, body: (s: { processes: Processes; dir: string }) => Promise<R>): Promise<R> {
  const s = { processes: new Processes(), dir: mkdtempSync(join(tmpdir(), "e2e-")) };
  let done = false;
  const cleanup = async () => {
    if (done) return;
    done = true;
    try {
      await s.processes.stopAll();
    } finally {
      rmSync(s.dir, { recursive: true, force: true });
      recordMemory(name, s.processes);
    }
  };
  leftovers.add(cleanup);
  try {
    return await body(s);
  } finally {
    leftovers.delete(cleanup);
    await cleanup();
  }
}

// ---------------------------------------------------------------------------
// The hub shared by scenarios 1–4 (and scraped by 6), started by the first test that needs it

interface SharedHub {
  readonly hub: Hub;
  readonly processes: Processes;
  readonly dir: string;
}
let shared: Promise<SharedHub> | undefined;

function sharedHub(): Promise<SharedHub> {
  shared ??= (async () => {
    const processes = new Processes();
    const dir = mkdtempSync(join(tmpdir(), "e2e-hub-"));
    leftovers.add(async () => {
      try {
        await processes.stopAll();
      } finally {
        rmSync(dir, { recursive: true, force: true });
        recordMemory("hub shared by 1–4", processes);
      }
    });
    const hub = await startHub({ inventory, files, dir, processes, timing: T });
    leftovers.add(() => hub.close());
    await Promise.all([untilAlertmanagerDiscovered(hub.prometheus.url, hub.alertmanagerUrl), untilTargetsUp(hub.prometheus.url)]);
    return { hub, processes, dir };
  })();
  return shared;
}

afterAll(async () => {
  for (const cleanup of leftovers) await cleanup().catch((err) => console.error(err));
  const figures = { timing: T, latencies, memory };
  const file = join(tmpdir(), "home-observability-e2e-figures.json");
  writeFileSync(file, JSON.stringify(figures, null, 2));
  console.log(
    [
      `e2e figures (also in ${file})`,
      "| scenario | measured | interval budget |",
      "|---|---|---|",
      ...latencies.map((l) => `| ${l.scenario} | ${l.measuredSeconds} s | ${l.budget} |`),
      "",
      "| scenario | process | peak RSS (VmHWM) |",
      "|---|---|---|",
      ...memory.map((m) => `| ${m.scenario} | ${m.process} | ${m.peakRssMiB} MiB |`),
    ].join("\n"),
  );
}, 60_000);

const isAlert = (alertname: string, labels: Record<string, string> = {}, status?: Delivery["status"]) => (d: Delivery) =>
  d.labels.alertname === alertname && Object.entries(labels).every(([k, v]) => d.labels[k] === v) && (status === undefined || d.status === status);

// ---------------------------------------------------------------------------

describe("the production intervals", () => {
  it("bound a camera-offline notification at 60 s: window + evaluation + for + critical group_wait, the window holding two probes and their timeout", () => {
    const { probeInterval, probeTimeout, failedProbes, keepFiringFor, window, ...parts } = CAMERA_PATH;
    expect({ probeInterval, probeTimeout, failedProbes }).toEqual({ probeInterval: 15, probeTimeout: 5, failedProbes: 2 });
    // The window always holds a dark camera's last two probes, so it decides the worst case.
    expect(window).toBeGreaterThan(2 * probeInterval + probeTimeout);
    expect({ window, ...parts }).toEqual({ window: 36, evaluation: 5, for: 0, groupWait: 10 });
    expect(worstCaseSeconds(CAMERA_PATH)).toBeLessThanOrEqual(60);
    // Two misses and a quick recovery still fire when Alertmanager first flushes their group.
    expect(keepFiringFor).toBe(15);
    expect(outlastsGroupWait(CAMERA_PATH)).toBe(true);
  }, 5_000);
});

describe("the test copies of the configs", () => {
  it("keep Alertmanager's route tree (timing capped), inhibit_rules and time_intervals, and give every receiver one webhook", () => {
    const rendered = parse(files.get("hub/alertmanager/alertmanager.yml")!);
    const urls = Object.fromEntries(rendered.receivers.map((r: { name: string }) => [r.name, `http://127.0.0.1:1/${r.name}`]));
    const copy = parse(rewriteAlertmanagerForTest(files.get("hub/alertmanager/alertmanager.yml")!, urls, T));
    const untimed = ({ group_wait, group_interval, repeat_interval, routes, ...rest }: Record<string, any>): object => ({ ...rest, routes: routes?.map(untimed) });
    expect(untimed(copy.route)).toEqual(untimed(rendered.route));
    expect(copy.route).toMatchObject({ group_wait: "1s", group_interval: "1s", repeat_interval: "60s" });
    expect({ inhibit: copy.inhibit_rules, intervals: copy.time_intervals }).toEqual({ inhibit: rendered.inhibit_rules, intervals: rendered.time_intervals });
    expect(copy.receivers).toEqual(rendered.receivers.map((r: { name: string }) => ({ name: r.name, webhook_configs: [{ url: urls[r.name], send_resolved: true }] })));
  }, 5_000);

  it("keep every rule's expression (but staleness thresholds and the camera rules' windows), labels and annotations", () => {
    for (const [key, content] of files) {
      if (!key.startsWith("hub/prometheus/rules/")) continue;
      const strip = (yaml: string) =>
        parse(yaml).groups.flatMap((g: { rules: object[] }) => g.rules.map(({ for: _for, keep_firing_for: _keep, expr, ...rest }: Record<string, any>) => ({ ...rest, expr: expr.replace(/> \d+$/, "> N").replace(/\[\w+\]/g, "[W]") })));
      expect(strip(scaleRulesForTest(content, T))).toEqual(strip(content));
    }
  }, 5_000);

  it("run the camera path 15 times faster, in its production proportions: probes, their timeout, the camera rules' evaluation and window", () => {
    const probeJob = parse(files.get("hub/prometheus/prometheus.yml")!).scrape_configs.find((j: { job_name: string }) => j.job_name === "camera-probe");
    expect(durationSeconds(probeJob.scrape_interval) / T.probeTimeDivisor).toBe(T.intervalSeconds);
    const cameras = parse(scaleRulesForTest(files.get("hub/prometheus/rules/cameras.yml")!, T)).groups[0];
    const offline = cameras.rules.find((r: { alert: string }) => r.alert === "CameraOffline");
    expect({ interval: cameras.interval, expr: offline.expr, for: offline.for, keep: offline.keep_firing_for }).toEqual({
      interval: "333ms",
      expr: 'max_over_time(probe_success{job="camera-probe"}[2400ms]) == 0 and count_over_time(probe_success{job="camera-probe"}[2400ms]) >= 2',
      for: undefined,
      keep: "1s",
    });
    expect({ ...TEST_CAMERA_PATH, keep: TEST_KEEP_FIRING_FOR }).toEqual({ window: 2.4, evaluation: 1 / 3, for: 0, group_wait: 1, keep: 1 });
    expect(outlastsGroupWait({ evaluation: TEST_CAMERA_PATH.evaluation, keepFiringFor: TEST_KEEP_FIRING_FOR, groupWait: TEST_CAMERA_PATH.group_wait })).toBe(true);
    for (const [key, yaml] of files) {
      if (!key.endsWith("/blackbox.yml")) continue;
      const modules = Object.values<{ timeout: string }>(parse(scaleBlackboxForTest(yaml, T)).modules);
      expect({ key, timeouts: [...new Set(modules.map((m) => m.timeout))] }).toEqual({ key, timeouts: ["333ms"] });
    }
  }, 5_000);
});

describe("alert flow on one hub (slow)", () => {
  test.concurrent(
    "1. a camera that goes dark pages the critical receivers with its site and camera, not the others, and resolves when it returns (slow)",
    () =>
      sharedHub().then(async ({ hub }) => {
        const camera = "backyard"; // home/garage, TCP probe
        const labels = { site: "home", node: "garage", camera, severity: "critical" };
        const fault = Date.now();
        await hub.standIns.camera(camera).down();
        const firing = await hub.receivers.waitForEach(CRITICAL, isAlert("CameraOffline", labels, "firing"), 30_000, "CameraOffline firing");
        const back = Date.now();
        await hub.standIns.camera(camera).up();
        const resolved = await hub.receivers.waitForEach(CRITICAL, isAlert("CameraOffline", labels, "resolved"), 30_000, "CameraOffline resolved");

        expect(hub.receivers.receiversOf(isAlert("CameraOffline", { camera }))).toEqual(CRITICAL);
        recordLatency("1. camera dark → CameraOffline at the pager", Math.min(...firing.map((d) => d.at)) - fault, TEST_CAMERA_PATH);
        recordLatency("1. camera back → resolved at the pager", Math.min(...resolved.map((d) => d.at)) - back, {
          scrape: T.intervalSeconds,
          // One to clear the expression, one to end keep_firing_for.
          evaluations: 2 * TEST_CAMERA_PATH.evaluation,
          keep_firing_for: TEST_KEEP_FIRING_FOR,
          group_interval: T.groupIntervalSeconds,
        });
      }),
    60_000,
  );

  test.concurrent(
    "2. a connector that stops pushing warns email and Teams only, and clears when it pushes again (slow)",
    () =>
      sharedHub().then(async ({ hub }) => {
        const push = (job: string) => fetch(`${hub.pushgatewayUrl}/metrics/job/${job}`, { method: "PUT", body: "connector_up 1\n" }).then((r) => expect(r.status).toBe(200));
        // petcube keeps pushing; nest pushes once and stops: its last push is the fault.
        await push("petcube");
        const petcube = setInterval(() => void push("petcube").catch(() => undefined), 1000);
        try {
          await push("nest");
          const fault = Date.now();
          const firing = await hub.receivers.waitForEach(WARNING, isAlert("ConnectorPushStale", { job: "nest" }, "firing"), 60_000, "ConnectorPushStale firing");
          expect(firing[0].labels).toMatchObject({ job: "nest", severity: "warning", site: "hub" });
          await push("nest");
          await hub.receivers.waitForEach(WARNING, isAlert("ConnectorPushStale", { job: "nest" }, "resolved"), 30_000, "ConnectorPushStale resolved");

          expect(hub.receivers.receiversOf(isAlert("ConnectorPushStale"))).toEqual(WARNING);
          expect(hub.receivers.matching(isAlert("ConnectorPushStale", { job: "petcube" }))).toEqual([]);
          recordLatency("2. connector's last push → ConnectorPushStale at email", Math.min(...firing.map((d) => d.at)) - fault, {
            threshold: scaledStaleThreshold("ConnectorPushStale"),
            scrape: T.intervalSeconds,
            evaluation: T.intervalSeconds,
            group_wait: T.groupWaitSeconds,
          });
        } finally {
          clearInterval(petcube);
        }
      }),
    90_000,
  );

  test.concurrent(
    "3. a node that goes down pages EdgeNodeDown while its cameras' and targets' alerts stay inhibited (slow)",
    () =>
      sharedHub().then(async ({ hub }) => {
        const [site, node] = ["home", "porch"];
        const am = hub.alertmanagerUrl;
        const ofNode = { site, node };
        const targets = (await query(hub.prometheus.url, `up{site="${site}",node="${node}"}`)).length;
        const standIns = hub.standIns.ofNode(site, node);
        const cameras = standIns.filter((s) => s.name.startsWith("camera "));
        const exporters = standIns.filter((s) => !cameras.includes(s));
        const suppressedBy = (source: AlertmanagerAlert, alertname: string, count: number) =>
          waitUntil(
            `${count} ${alertname} alerts of ${site}/${node} inhibited by EdgeNodeDown`,
            async () => {
              const alerts = await alertmanagerAlerts(am, `alertname="${alertname}"`, `site="${site}"`, `node="${node}"`);
              return alerts.length === count && alerts.every((a) => a.status.state === "suppressed" && a.status.inhibitedBy.includes(source.fingerprint)) && alerts;
            },
            30_000,
          );

        // The node loses power: its exporters, edge agent, log agent and cameras all go.
        const fault = Date.now();
        await Promise.all(exporters.map((s) => s.down()));
        await Promise.all(cameras.map((s) => s.down()));
        const down = await hub.receivers.waitForEach(CRITICAL, isAlert("EdgeNodeDown", ofNode, "firing"), 30_000, "EdgeNodeDown firing");
        const [edgeNodeDown] = await alertmanagerAlerts(am, 'alertname="EdgeNodeDown"', `node="${node}"`);
        // Every target of the node is down for longer than PrometheusTargetDown's `for`: all muted.
        await suppressedBy(edgeNodeDown, "PrometheusTargetDown", targets);
        // It boots: the blackbox exporter comes back before node_exporter, the cameras are still dark.
        await hub.standIns.get(`${site}/${node}/blackbox-exporter`).up();
        await suppressedBy(edgeNodeDown, "CameraOffline", cameras.length);
        expect(hub.receivers.matching((d) => d.labels.node === node && d.labels.alertname !== "EdgeNodeDown")).toEqual([]);

        // Everything returns; node_exporter last, so EdgeNodeDown still mutes what resolves first.
        await Promise.all(cameras.map((s) => s.up()));
        await Promise.all(exporters.filter((s) => !s.name.endsWith("/node-exporter")).map((s) => s.up()));
        await waitUntil(
          "the node's cameras and targets to resolve in Alertmanager",
          async () => (await alertmanagerAlerts(am, `node="${node}"`)).every((a) => a.labels.alertname === "EdgeNodeDown" || a.labels.job === "node-exporter"),
          30_000,
        );
        expect(hub.receivers.matching(isAlert("CameraOffline", ofNode))).toEqual([]);
        await hub.standIns.get(`${site}/${node}/node-exporter`).up();
        await hub.receivers.waitForEach(CRITICAL, isAlert("EdgeNodeDown", ofNode, "resolved"), 30_000, "EdgeNodeDown resolved");

        expect(hub.receivers.receiversOf(isAlert("EdgeNodeDown", ofNode))).toEqual(CRITICAL);
        expect(hub.receivers.matching(isAlert("CameraOffline", ofNode))).toEqual([]);
        recordLatency("3. node down → EdgeNodeDown at the pager", Math.min(...down.map((d) => d.at)) - fault, {
          scrape: T.intervalSeconds,
          evaluation: T.intervalSeconds,
          for: scaledFor("EdgeNodeDown"),
          group_wait: T.groupWaitSeconds,
        });
      }),
    90_000,
  );

  test.concurrent(
    "4. Watchdog reaches the heartbeat receiver and no other (slow)",
    () =>
      sharedHub().then(async ({ hub }) => {
        const [first] = await hub.receivers.waitForEach([HEARTBEAT], isAlert("Watchdog", {}, "firing"), 30_000, "Watchdog");
        // Every other route flushes within its group_wait + group_interval: watch that long past the heartbeat.
        await delay(Math.max(0, first.at + (T.groupWaitSeconds + T.groupIntervalSeconds + 1) * 1000 - Date.now()));
        expect(hub.receivers.receiversOf(isAlert("Watchdog"))).toEqual([HEARTBEAT]);
        // Watchdog fires at the first evaluation, before the notifier knows the Alertmanager (2.42 hands it
        // over on its 5 s discovery tick); it goes out with the next evaluation's resend.
        recordLatency("4. hub Prometheus ready → Watchdog at the heartbeat", first.at - hub.prometheus.readyAt, {
          alertmanager_discovery: 5,
          evaluation: T.intervalSeconds,
          group_wait: 0,
        });
      }),
    60_000,
  );
});

/** Lengths of the runs of failed probes among Prometheus's samples of `selector` since `sinceMs`. */
async function failedProbeRuns(prometheusUrl: string, selector: string, sinceMs: number): Promise<number[]> {
  const now = Date.now();
  const [series] = await query(prometheusUrl, `probe_success${selector}[${Math.ceil((now - sinceMs) / 1000)}s]`, now / 1000);
  const runs: number[] = [];
  let run = 0;
  for (const [, value] of (series?.values ?? []) as [number, string][]) {
    if (value === "0") run++;
    else if (run > 0) {
      runs.push(run);
      run = 0;
    }
  }
  return run > 0 ? [...runs, run] : runs;
}

describe("missed camera probes (slow)", () => {
  test.concurrent(
    "8. a camera that misses one probe is not paged; one that misses two in a row is, and the next answered probe resolves it (slow)",
    () =>
      scenario("8. missed probes", async ({ processes, dir }) => {
        // A hub of its own that scrapes only the camera probes: scenario 3 takes the shared hub's porch down.
        const hub = await startHub({ inventory, files, dir, processes, timing: T, jobs: ["camera-probe"] });
        try {
          const prometheus = hub.prometheus.url;
          await Promise.all([untilAlertmanagerDiscovered(prometheus, hub.alertmanagerUrl), untilTargetsUp(prometheus)]);
          // An HTTP probe is one request, so the stand-in decides each probe's outcome.
          const labels = { site: "home", node: "porch", camera: "front-door", severity: "critical" };
          const camera = hub.standIns.camera(labels.camera);
          const selector = `{job="camera-probe",camera="${labels.camera}"}`;
          const since = hub.prometheus.startedAt;
          await waitUntil("a window's worth of answered probes", () => camera.requests.filter((r) => r.answered).length >= 4, 30_000);

          // One probe goes unanswered and times out; the next ones are answered.
          const single = camera.requests.length;
          camera.leaveUnanswered(1);
          const missed = await waitUntil("the unanswered probe", () => camera.requests[single], 10_000);
          // By then the miss has left the window, and an alert from it would have passed group_wait.
          const { window, evaluation, group_wait } = TEST_CAMERA_PATH;
          await delay(Math.max(0, missed.at + (window + evaluation + group_wait + 2) * 1000 - Date.now()));
          expect(missed.answered).toBe(false);
          expect(await failedProbeRuns(prometheus, selector, since)).toEqual([1]);
          const alerts = `ALERTS{alertname="CameraOffline"}[${Math.ceil((Date.now() - since) / 1000)}s]`;
          expect(await query(prometheus, alerts)).toEqual([]);
          expect(hub.receivers.matching(isAlert("CameraOffline"))).toEqual([]);

          // Two probes in a row go unanswered.
          const double = camera.requests.length;
          const lastAnswered = camera.requests[double - 1];
          camera.leaveUnanswered(2);
          const firing = await hub.receivers.waitForEach(CRITICAL, isAlert("CameraOffline", labels, "firing"), 30_000, "CameraOffline firing");
          const resolved = await hub.receivers.waitForEach(CRITICAL, isAlert("CameraOffline", labels, "resolved"), 30_000, "CameraOffline resolved");
          expect(camera.requests.slice(double, double + 3).map((r) => r.answered)).toEqual([false, false, true]);
          expect(await failedProbeRuns(prometheus, selector, since)).toEqual([1, 2]);
          expect(hub.receivers.receiversOf(isAlert("CameraOffline"))).toEqual(CRITICAL);
          expect(hub.receivers.matching(isAlert("CameraOffline")).every((d) => d.labels.camera === labels.camera)).toBe(true);
          expect(Math.min(...resolved.map((d) => d.at))).toBeGreaterThan(Math.min(...firing.map((d) => d.at)));
          // Measured from the last answered probe: the camera may have dropped off just after it.
          recordLatency("8. last answered probe, then two missed → CameraOffline at the pager", Math.min(...firing.map((d) => d.at)) - lastAnswered.at, TEST_CAMERA_PATH);
        } finally {
          await hub.close();
        }
      }),
    90_000,
  );
});

describe("outages and restarts (slow)", () => {
  test.concurrent(
    "5. a push node's agent keeps every sample it scrapes through a 30 s hub outage (slow: 30 s outage)",
    () =>
      scenario("5. push node, hub outage", async ({ processes, dir }) => {
        const [site, node] = ["cabin", "lodge"];
        const standIns = new StandIns({ processes, files, inventory, dir: join(dir, "stand-ins") });
        try {
          // The hub as a remote-write receiver: its own rendered config, self-scrape only, no Alertmanager.
          const hubPort = await freePort();
          const hubConfig = join(dir, "hub");
          writePrometheusConfig(hubConfig, files, "hub/prometheus/", rewritePrometheusForTest(files.get("hub/prometheus/prometheus.yml")!, {
            address: () => `127.0.0.1:${hubPort}`,
            probeTarget: () => "127.0.0.1",
            jobs: ["prometheus"],
            timing: T,
          }), T);
          const startHubPrometheus = () =>
            startPrometheus(processes, "hub/prometheus", { configDir: hubConfig, dataDir: join(hubConfig, "data"), port: hubPort, flags: ["--web.enable-remote-write-receiver"] });
          const hub = await startHubPrometheus();
          const agent = await startAgent({ files, processes, standIns, dir, site, node, writeUrl: `${hub.url}/api/v1/write`, port: await freePort(), timing: T });
          // The edge agent stand-in counts its scrapes: value n is the agent's n-th sample of it.
          const edgeAgent = standIns.loopback(`${site}/${node}/edge-agent`);
          const counter = `standin_scrapes_total{site="${site}",node="${node}",service="edge-agent"}`;
          const ups = `up{site="${site}",node="${node}"}`;
          // One `up` per target of the agent's rendered config (its own, the exporters', cAdvisor, the agents'),
          // but the certificate probe, which the test leaves out (the stand-ins serve no TLS).
          const agentTargets = parse(files.get(`edge-${site}-${node}/prometheus-agent/prometheus.yml`)!)
            .scrape_configs.filter((job: { job_name: string }) => job.job_name !== CERTIFICATE_PROBE_JOB)
            .flatMap((job: { static_configs: unknown[] }) => job.static_configs).length;
          await waitUntil(`samples of each of the agent's ${agentTargets} targets at the hub`, async () => (await query(hub.url, ups)).length === agentTargets, 30_000);

          const outageStart = Date.now();
          await processes.stop("hub/prometheus");
          await delay(30_000); // the deliberate outage
          await startHubPrometheus();
          const outageEnd = Date.now();

          const scrapedUntilEnd = edgeAgent.scrapes.filter((s) => s.at <= outageEnd).map((s) => s.value);
          const duringOutage = edgeAgent.scrapes.filter((s) => s.at >= outageStart && s.at <= outageEnd).length;
          expect(duringOutage).toBeGreaterThanOrEqual(28);
          // Query windows reach back past the agent's start.
          const since = (t: number) => `${Math.ceil((t - agent.startedAt) / 1000) + 5}s`;
          let last = "";
          const caughtUp = await waitUntil(
            "every sample scraped before the hub came back to be at the hub, with no missing scrape in any of the node's series",
            async () => {
              const now = Date.now();
              const [series] = await query(hub.url, `${counter}[${since(now)}]`, now / 1000);
              const held = new Set<number>((series?.values ?? []).map(([, v]: [number, string]) => Number(v)));
              const missing = scrapedUntilEnd.filter((v) => !held.has(v));
              // `up` of every job of the node: a sample every scrape interval through the outage.
              const upSeries = await query(hub.url, `${ups}[${since(outageEnd)}]`, outageEnd / 1000);
              const gaps = upSeries.map((s: { metric: Labels; values: [number, string][] }) => ({
                job: s.metric.job,
                firstBeforeOutage: s.values[0][0] * 1000 < outageStart,
                maxGap: Math.max(...s.values.slice(1).map(([t], i) => t - s.values[i][0])),
              }));
              last = JSON.stringify({ missing: missing.length > 20 ? `${missing.length} values from ${missing[0]}` : missing, gaps });
              // A loaded machine delays a scrape by a second or so; a sample lost to the outage would leave a gap of its length (30 s).
              return missing.length === 0 && gaps.length === agentTargets && gaps.every((g) => g.firstBeforeOutage && g.maxGap < 3 * T.intervalSeconds) && Date.now();
            },
            30_000,
            500,
          ).catch((err) => {
            throw new Error(`${err.message}\nlast seen: ${last}`);
          });
          recordLatency("5. hub back → every outage sample at the hub", caughtUp - outageEnd, { remote_write_max_backoff: 5 });
        } finally {
          await standIns.close();
        }
      }),
    150_000,
  );

  test.concurrent(
    "6. a config change replaces Prometheus: the new process on the same data directory keeps every series and sample, and runs the new config (slow)",
    () =>
      sharedHub().then(({ hub }) =>
        scenario("6. replaced on a config change", async ({ processes, dir }) => {
          const port = await freePort();
          const given = { ...hub.addresses, prometheus: `127.0.0.1:${port}` };
          const valid = rewritePrometheusForTest(files.get("hub/prometheus/prometheus.yml")!, {
            address: (labels) => hub.standIns.address(labels, given),
            probeTarget: (labels) => hub.standIns.probeTarget(labels),
            timing: T,
          });
          const configDir = join(dir, "prometheus");
          // As deployed: no lifecycle API; a new config means a new container on the same volume.
          const options = { configDir, dataDir: join(dir, "data"), port };
          writePrometheusConfig(configDir, files, "hub/prometheus/", valid, T);
          const prom = await startPrometheus(processes, "prometheus", options);
          const url = prom.url;
          await waitUntil("the first scrapes", async () => (await query(url, 'up{job="prometheus"} == 1')).length > 0, 20_000);
          expect((await fetch(`${url}/-/reload`, { method: "POST" })).status).toBe(403);

          // Every target scraped once (up or down: other scenarios stop some), so the series are all there.
          let targets = 0;
          await waitUntil(
            "every target scraped once",
            async () => {
              const active = ((await (await fetch(`${url}/api/v1/targets?state=active`)).json()) as any).data.activeTargets as { health: string }[];
              targets = active.length;
              return active.every((t) => t.health !== "unknown");
            },
            20_000,
          );
          // What the old process stored, up to 2 s ago (no scrape still in flight), must all be there after.
          const until = await waitUntil(
            "a scrape more than 2 s old",
            async () => {
              const at = Date.now() / 1000 - 2;
              return (await query(url, 'up{job="prometheus"}', at)).length > 0 && at;
            },
            20_000,
          );
          const series = async () =>
            new Set<string>(((await (await fetch(`${url}/api/v1/series?match[]=${encodeURIComponent('{__name__=~".+"}')}&start=${prom.startedAt / 1000}&end=${until}`)).json()) as any).data.map((s: object) => JSON.stringify(s)));
          const samples = async () => (await query(url, `count_over_time(up{job="prometheus"}[${Math.ceil(until - prom.startedAt / 1000)}s])`, until))[0].value[1];
          const [seriesBefore, samplesBefore] = [await series(), await samples()];
          await processes.stop("prometheus");
          // The changed config: one more job.
          const changed = parse(valid);
          changed.scrape_configs.push({ job_name: "config-change", static_configs: [{ targets: [given.prometheus], labels: { site: "hub", node: "hub", service: "config-change" } }] });
          writeFileSync(join(configDir, "prometheus.yml"), stringify(changed));
          await startPrometheus(processes, "prometheus", options);
          const seriesAfter = await series();
          expect([...seriesBefore].filter((s) => !seriesAfter.has(s))).toEqual([]);
          // Not a trivial set: Prometheus writes 5 series per target (up, scrape_*) whatever its health, and its own scrape adds hundreds.
          expect(seriesBefore.size).toBeGreaterThan(5 * targets + 100);
          expect(await samples()).toBe(samplesBefore);
          await waitUntil("the new job's first scrape", async () => (await query(url, 'up{job="config-change"} == 1')).length === 1, 20_000);
        }),
      ),
    90_000,
  );

  test.concurrent(
    "7. Alertmanager restarted on the same data directory keeps a silence, and it still mutes (slow)",
    () =>
      scenario("7. Alertmanager restart", async ({ processes, dir }) => {
        const receivers = await Receivers.start(parse(files.get("hub/alertmanager/alertmanager.yml")!).receivers.map((r: { name: string }) => r.name));
        try {
          const options = {
            config: rewriteAlertmanagerForTest(files.get("hub/alertmanager/alertmanager.yml")!, receivers.urls, T),
            configDir: dir,
            dataDir: join(dir, "data"),
          };
          const url = await startAlertmanager(processes, "alertmanager", { ...options, port: await freePort() });
          const matchers = [
            { name: "alertname", value: "CameraOffline", isRegex: false, isEqual: true },
            { name: "site", value: "cabin", isRegex: false, isEqual: true },
          ];
          const silence = { matchers, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: "e2e", comment: "replacing the deck camera" };
          const created = await fetch(`${url}/api/v2/silences`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(silence) });
          expect(created.status).toBe(200);
          const { silenceID } = (await created.json()) as { silenceID: string };

          await processes.stop("alertmanager");
          const restarted = await startAlertmanager(processes, "alertmanager", { ...options, port: await freePort() });
          const kept = await (await fetch(`${restarted}/api/v2/silence/${silenceID}`)).json();
          expect(kept).toMatchObject({ id: silenceID, matchers, createdBy: "e2e", comment: silence.comment, status: { state: "active" } });

          const alert = { labels: { alertname: "CameraOffline", site: "cabin", node: "lodge", camera: "cabin-deck", severity: "critical" } };
          expect((await fetch(`${restarted}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([alert]) })).status).toBe(200);
          const [muted] = await waitUntil("the alert to be silenced", async () => {
            const alerts = await alertmanagerAlerts(restarted, 'camera="cabin-deck"');
            return alerts[0]?.status.state === "suppressed" && alerts;
          }, 10_000);
          expect(muted.status.silencedBy).toEqual([silenceID]);
          // It would have gone out after group_wait: give it that long, then none may have arrived.
          await delay((T.groupWaitSeconds + 1) * 1000);
          expect(receivers.deliveries).toEqual([]);
        } finally {
          await receivers.close();
        }
      }),
    60_000,
  );
});
