// The generated hub and edge configs run for real on 127.0.0.1: Prometheus,
// Alertmanager, pushgateway, node_exporter and blackbox_exporter as plain processes
// (Debian packages), everything else (cameras, the edge agent, log agents, Loki,
// Grafana, the camera hub, connectors) stood in by loopback HTTP servers.
//
// The configs are copies of the rendered ones with only these changes: addresses
// point at loopback ports, every receiver's integrations become one webhook to a
// local server, and (with a Timing) intervals and durations are scaled down. The
// route tree, inhibit_rules, time_intervals, rule expressions and labels stay as
// rendered. Used by the e2e tests and by `npm run preview`; no Jest in here.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:http";
import { dirname, join, relative } from "node:path";
import { parse, stringify } from "yaml";
import { durationSeconds } from "../../../alert-rules/settings";
import type { Inventory } from "../../../inventory/schema";
import { CERTIFICATE_PROBE_JOB } from "../../../constructs/blackbox-exporter";
import { freePort, start, Started, waitUntilReady } from "../../support/processes";

export type Labels = Record<string, string>;

// ---------------------------------------------------------------------------
// Timing

/** Intervals of a test copy. Without one, the rendered (production) intervals stay. */
export interface Timing {
  /** Every scrape interval, global evaluation interval and rule-group interval. */
  readonly intervalSeconds: number;
  /** Rule `for` durations and staleness thresholds (`time() - x > N`) are divided by this. */
  readonly ruleTimeDivisor: number;
  /** Caps on every route's group_wait, group_interval and repeat_interval (0s stays 0s). */
  readonly groupWaitSeconds: number;
  readonly groupIntervalSeconds: number;
  readonly repeatIntervalSeconds: number;
  /** Prometheus --rules.alert.resend-delay. */
  readonly resendDelaySeconds: number;
  /**
   * The camera path's own times (blackbox module timeouts; the camera rule group's
   * interval, range windows and keep_firing_for) are divided by this: the rendered
   * probe interval over intervalSeconds, so the path keeps its production proportions.
   */
  readonly probeTimeDivisor: number;
}

/**
 * Rule time runs 30× faster: EdgeNodeDown's 2m `for` becomes 4s, PrometheusTargetDown's 5m 10s.
 * Probe time runs 15× faster: 15 s probes become 1 s, their 5 s timeout 333 ms, the camera
 * rules' 5 s evaluation 333 ms, CameraOffline's 36 s window 2.4 s and its 15 s keep_firing_for 1 s.
 */
export const TEST_TIMING: Timing = {
  intervalSeconds: 1,
  ruleTimeDivisor: 30,
  probeTimeDivisor: 15,
  groupWaitSeconds: 1,
  groupIntervalSeconds: 1,
  repeatIntervalSeconds: 60,
  resendDelaySeconds: 1,
};

/** A Prometheus duration for `s` seconds (whole seconds, else milliseconds). */
export const duration = (s: number) => (Number.isInteger(s) ? `${s}s` : `${Math.round(s * 1000)}ms`);

// ---------------------------------------------------------------------------
// Config rewriting

/** The rendered files of the app, keyed `<stack>/<service>/<file>` like rendered/ (see stacks/rendered-files.ts). */
export function readRenderedDir(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, "utf8"));
    }
  };
  walk(dir);
  return files;
}

/** Writes `files` (relative path → content) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

const toYaml = (doc: unknown) => stringify(doc, { lineWidth: 0 });

/**
 * Every receiver keeps its name and loses its integrations for one webhook to
 * `receiverUrls[name]` (Alertmanager 0.25 cannot read url_file, Pushover cannot
 * be pointed at loopback). Route tree, inhibit_rules and time_intervals stay;
 * with a Timing, group_wait/group_interval/repeat_interval are capped.
 */
export function rewriteAlertmanagerForTest(yaml: string, receiverUrls: Record<string, string>, timing?: Timing): string {
  const doc = parse(yaml);
  doc.receivers = doc.receivers.map(({ name }: { name: string }) => {
    if (!receiverUrls[name]) throw new Error(`no stand-in URL for receiver ${name}`);
    return { name, webhook_configs: [{ url: receiverUrls[name], send_resolved: true }] };
  });
  if (timing) {
    const cap = (value: string | undefined, max: number) => (value === undefined ? undefined : duration(Math.min(durationSeconds(value), max)));
    const visit = (route: Record<string, any>) => {
      for (const [key, max] of [["group_wait", timing.groupWaitSeconds], ["group_interval", timing.groupIntervalSeconds], ["repeat_interval", timing.repeatIntervalSeconds]] as const)
        if (route[key] !== undefined) route[key] = cap(route[key], max);
      for (const child of route.routes ?? []) visit(child);
    };
    visit(doc.route);
  }
  return toYaml(doc);
}

export interface PrometheusRewrite {
  /** Loopback host:port of a scrape target, from its labels (site, node, service, camera). */
  readonly address: (labels: Labels) => string;
  /** What a camera probe (`__param_target`) goes to instead of the camera. */
  readonly probeTarget: (labels: Labels) => string;
  /** host:port of the Alertmanager; without it the alerting section is dropped. */
  readonly alertmanager?: string;
  /** URL that replaces every remote_write url. */
  readonly remoteWrite?: string;
  /** Keep only these scrape jobs. @default - all */
  readonly jobs?: readonly string[];
  readonly timing?: Timing;
}

/**
 * A copy of a rendered prometheus.yml (hub or agent) that scrapes loopback
 * stand-ins. The stand-ins speak plain HTTP, so the clients' TLS and basic-auth
 * settings go, and so do the certificate probes (a TLS handshake is all they
 * check): these scenarios are about alert flow; security.test.ts runs the
 * rendered security settings and the certificate probe against the real binaries.
 */
export function rewritePrometheusForTest(yaml: string, r: PrometheusRewrite): string {
  const doc = parse(yaml);
  doc.scrape_configs = doc.scrape_configs.filter((job: { job_name: string }) => job.job_name !== CERTIFICATE_PROBE_JOB);
  if (r.timing) doc.global = { ...doc.global, scrape_interval: duration(r.timing.intervalSeconds), evaluation_interval: duration(r.timing.intervalSeconds) };
  if (doc.alerting) {
    if (r.alertmanager) doc.alerting.alertmanagers = [{ static_configs: [{ targets: [r.alertmanager] }] }];
    else delete doc.alerting;
  }
  if (r.jobs) doc.scrape_configs = doc.scrape_configs.filter((job: { job_name: string }) => r.jobs!.includes(job.job_name));
  for (const job of doc.scrape_configs) {
    if (r.timing && job.scrape_interval) job.scrape_interval = duration(r.timing.intervalSeconds);
    for (const key of ["scheme", "basic_auth", "tls_config"]) delete job[key];
    for (const group of job.static_configs) {
      for (const key of ["__scheme__", "__metrics_path__"]) delete group.labels[key];
      group.targets = group.targets.map(() => r.address(group.labels));
      if (group.labels.__param_target) group.labels.__param_target = r.probeTarget(group.labels);
    }
  }
  for (const remote of doc.remote_write ?? []) {
    remote.url = r.remoteWrite;
    delete remote.basic_auth;
    delete remote.tls_config;
  }
  return toYaml(doc);
}

/**
 * A rule file with test-scaled time: `for` durations and staleness thresholds
 * (`time() - <last update> > N`) are divided by `ruleTimeDivisor`. A group with
 * its own interval is paced to the camera probes (the camera rules, the only
 * one): its interval, its expressions' range windows and its keep_firing_for are
 * divided by `probeTimeDivisor`. Labels and annotations stay.
 */
export function scaleRulesForTest(yaml: string, timing: Timing): string {
  const doc = parse(yaml);
  const scaled = (seconds: number) => Math.max(1, seconds / timing.ruleTimeDivisor);
  const probeTime = (d: string) => duration(durationSeconds(d) / timing.probeTimeDivisor);
  for (const group of doc.groups) {
    const pacedToProbes = group.interval !== undefined;
    if (pacedToProbes) group.interval = probeTime(group.interval);
    for (const rule of group.rules) {
      if (rule.for) rule.for = duration(scaled(durationSeconds(rule.for)));
      rule.expr = rule.expr.replace(/(time\(\) - [^>]+> )(\d+)/g, (_: string, head: string, n: string) => `${head}${scaled(Number(n))}`);
      if (pacedToProbes) rule.expr = rule.expr.replace(/\[(\w+)\]/g, (_: string, range: string) => `[${probeTime(range)}]`);
      if (rule.keep_firing_for) rule.keep_firing_for = pacedToProbes ? probeTime(rule.keep_firing_for) : duration(scaled(durationSeconds(rule.keep_firing_for)));
    }
  }
  return toYaml(doc);
}

/** A rendered blackbox.yml whose module timeouts are divided by `probeTimeDivisor`. */
export function scaleBlackboxForTest(yaml: string, timing: Timing): string {
  const doc = parse(yaml);
  for (const module of Object.values<{ timeout?: string }>(doc.modules)) if (module.timeout) module.timeout = duration(durationSeconds(module.timeout) / timing.probeTimeDivisor);
  return toYaml(doc);
}

// ---------------------------------------------------------------------------
// Processes

export interface PeakMemory {
  readonly process: string;
  readonly pid: number;
  /** VmHWM from /proc/<pid>/status, read just before the process was stopped. */
  readonly peakRssKiB: number;
}

/** Peak resident memory of a running process, in KiB (NaN once it is gone). */
export function peakRssKiB(pid: number): number {
  try {
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/** The processes one test (or the preview) started, by name; each stopped by its PID, its peak memory kept. */
export class Processes {
  readonly peaks: PeakMemory[] = [];
  private readonly running = new Map<string, Started>();
  /** Names in the order they were first started (a restart keeps its place). */
  private readonly order: string[] = [];

  start(name: string, command: string, args: string[]): Started {
    if (this.running.has(name)) throw new Error(`${name} is already running`);
    const started = start(command, args);
    this.running.set(name, started);
    if (!this.order.includes(name)) this.order.push(name);
    return started;
  }

  get(name: string): Started | undefined {
    return this.running.get(name);
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** SIGTERM by PID, SIGKILL after 15 s; VmHWM is read first. */
  async stop(name: string): Promise<void> {
    const started = this.running.get(name);
    if (!started) return;
    this.running.delete(name);
    const pid = started.process.pid!;
    this.peaks.push({ process: name, pid, peakRssKiB: peakRssKiB(pid) });
    const stopped = started.stop();
    const kill = setTimeout(() => {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 15_000);
    await stopped;
    clearTimeout(kill);
  }

  /** In reverse start order: an agent stops before the hub it writes to (else it waits to flush to nobody). */
  async stopAll(): Promise<void> {
    for (const name of [...this.order].reverse()) await this.stop(name);
  }
}

export interface PrometheusProcess {
  readonly url: string;
  readonly startedAt: number;
  /** When /-/ready first answered. */
  readonly readyAt: number;
}

/** Prometheus (or, with `agent`, an agent) on 127.0.0.1:`port` with `<configDir>/prometheus.yml`; resolves once /-/ready answers. */
export async function startPrometheus(
  processes: Processes,
  name: string,
  o: { configDir: string; dataDir: string; port: number; agent?: boolean; flags?: string[] },
): Promise<PrometheusProcess> {
  const url = `http://127.0.0.1:${o.port}`;
  const startedAt = Date.now();
  const started = processes.start(name, "prometheus", [
    `--config.file=${join(o.configDir, "prometheus.yml")}`,
    `--web.listen-address=127.0.0.1:${o.port}`,
    // Agent mode is --enable-feature=agent in Prometheus 2.42 (Debian); the deployed 3.x image takes --agent.
    ...(o.agent ? ["--enable-feature=agent", `--storage.agent.path=${o.dataDir}`] : [`--storage.tsdb.path=${o.dataDir}`]),
    ...(o.flags ?? []),
  ]);
  await waitUntilReady(`${url}/-/ready`, started, 30_000);
  return { url, startedAt, readyAt: Date.now() };
}

/** Alertmanager with its cluster listener off, on 127.0.0.1:`port`, silences and notification log in `dataDir`. */
export async function startAlertmanager(processes: Processes, name: string, o: { config: string; configDir: string; dataDir: string; port: number }): Promise<string> {
  writeFiles(o.configDir, { "alertmanager.yml": o.config });
  const url = `http://127.0.0.1:${o.port}`;
  const started = processes.start(name, "prometheus-alertmanager", [
    `--config.file=${join(o.configDir, "alertmanager.yml")}`,
    `--storage.path=${o.dataDir}`,
    `--web.listen-address=127.0.0.1:${o.port}`,
    "--cluster.listen-address=",
  ]);
  await waitUntilReady(`${url}/-/ready`, started, 30_000);
  return url;
}

// ---------------------------------------------------------------------------
// Waiting

/** Polls `check` until it returns a value other than undefined/false; fails after `timeoutMs` naming `what`. */
export async function waitUntil<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err; // not reachable yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** An instant PromQL query; returns `data.result`. */
export async function query(prometheusUrl: string, expr: string, timeSeconds?: number): Promise<any[]> {
  const at = timeSeconds === undefined ? "" : `&time=${timeSeconds}`;
  return (await getJson(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}${at}`)).data.result;
}

/** Alertmanager's view of its alerts (API v2), filtered by label matchers such as `node="porch"`. */
export async function alertmanagerAlerts(alertmanagerUrl: string, ...matchers: string[]): Promise<AlertmanagerAlert[]> {
  return getJson(`${alertmanagerUrl}/api/v2/alerts?${matchers.map((m) => `filter=${encodeURIComponent(m)}`).join("&")}`);
}

export interface AlertmanagerAlert {
  readonly labels: Labels;
  readonly fingerprint: string;
  readonly status: { readonly state: "active" | "suppressed" | "unprocessed"; readonly inhibitedBy: string[]; readonly silencedBy: string[] };
}

/** Resolves once Prometheus sends to `alertmanagerUrl` (2.42 hands new Alertmanagers to the notifier every 5 s). */
export function untilAlertmanagerDiscovered(prometheusUrl: string, alertmanagerUrl: string, timeoutMs = 20_000): Promise<true> {
  return waitUntil(
    `${prometheusUrl} to discover ${alertmanagerUrl}`,
    async () => (await getJson(`${prometheusUrl}/api/v1/alertmanagers`)).data.activeAlertmanagers.some((a: { url: string }) => a.url.startsWith(alertmanagerUrl)) || undefined,
    timeoutMs,
  );
}

/** Resolves once every scrape target is up (new targets reach the scrape pools every 5 s). */
export function untilTargetsUp(prometheusUrl: string, timeoutMs = 20_000): Promise<number> {
  return waitUntil(
    `every target of ${prometheusUrl} to be up`,
    async () => {
      const targets: { health: string }[] = (await getJson(`${prometheusUrl}/api/v1/targets?state=active`)).data.activeTargets;
      return targets.length > 0 && targets.every((t) => t.health === "up") && targets.length;
    },
    timeoutMs,
  );
}

// ---------------------------------------------------------------------------
// Receivers

/** One alert of one webhook notification, as a receiver saw it. */
export interface Delivery {
  readonly receiver: string;
  readonly at: number;
  readonly status: "firing" | "resolved";
  readonly labels: Labels;
}

/** One loopback HTTP server standing in for every receiver: POST /<receiver> records the notification's alerts. */
export class Receivers {
  readonly deliveries: Delivery[] = [];
  readonly urls: Record<string, string>;

  private constructor(
    private readonly server: Server,
    port: number,
    names: readonly string[],
  ) {
    this.urls = Object.fromEntries(names.map((n) => [n, `http://127.0.0.1:${port}/${n}`]));
  }

  static async start(names: readonly string[], onDelivery?: (d: Delivery) => void): Promise<Receivers> {
    const port = await freePort();
    const server = createServer();
    const receivers = new Receivers(server, port, names);
    server.on("request", (req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const receiver = decodeURIComponent((req.url ?? "/").slice(1));
        for (const alert of JSON.parse(body || "{}").alerts ?? []) {
          const delivery: Delivery = { receiver, at: Date.now(), status: alert.status, labels: alert.labels };
          receivers.deliveries.push(delivery);
          onDelivery?.(delivery);
        }
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    return receivers;
  }

  matching(predicate: (d: Delivery) => boolean): Delivery[] {
    return this.deliveries.filter(predicate);
  }

  /** The receivers (sorted) that got an alert matching `predicate`. */
  receiversOf(predicate: (d: Delivery) => boolean): string[] {
    return [...new Set(this.matching(predicate).map((d) => d.receiver))].sort();
  }

  /** The first matching delivery at each of `receivers`, once every one of them has one. */
  waitForEach(receivers: readonly string[], predicate: (d: Delivery) => boolean, timeoutMs: number, what = "an alert"): Promise<Delivery[]> {
    return waitUntil(
      `${what} at ${receivers.join(", ")}`,
      () => {
        const first = receivers.map((r) => this.deliveries.find((d) => d.receiver === r && predicate(d)));
        return first.every(Boolean) && (first as Delivery[]);
      },
      timeoutMs,
      50,
    ).catch((err: Error) => {
      const seen = this.deliveries.map((d) => `${d.receiver} ${d.status} ${d.labels.alertname} ${JSON.stringify(d.labels)}`);
      throw new Error(`${err.message}; deliveries so far:\n  ${seen.join("\n  ") || "none"}`);
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------
// Stand-ins

/** A scrape target or a camera that a test takes down and brings back. */
export interface StandIn {
  readonly name: string;
  readonly port: number;
  up(): Promise<void>;
  down(): Promise<void>;
}

/**
 * An in-process HTTP server on a fixed loopback port: a camera (any path answers
 * 200; a TCP probe only needs the connection), or the /metrics of a service that
 * cannot run here. Its /metrics carries `standin_scrapes_total`, one more on each
 * scrape, so a test knows exactly which samples a scraper took.
 */
export class LoopbackServer implements StandIn {
  /** Every /metrics answer: the counter value served and when. */
  readonly scrapes: { value: number; at: number }[] = [];
  /** Every other request (an HTTP camera's probes): when it came, and whether it was answered. */
  readonly requests: { at: number; answered: boolean }[] = [];
  private server?: Server;
  private unanswered = 0;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly metrics: () => string = () => "",
  ) {}

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      if (!req.url?.startsWith("/metrics")) {
        const answered = this.unanswered === 0;
        this.requests.push({ at: Date.now(), answered });
        // Left open: the prober gives up at its timeout, as with a camera off the Wi-Fi.
        if (!answered) this.unanswered--;
        else res.writeHead(200).end(`${this.name} stand-in\n`);
        return;
      }
      const value = this.scrapes.length + 1;
      this.scrapes.push({ value, at: Date.now() });
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(`# TYPE standin_scrapes_total counter\nstandin_scrapes_total ${value}\n${this.metrics()}`);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", resolve);
    });
    this.server = server;
  }

  /** The next `count` requests get no answer (an HTTP camera's next `count` probes time out). */
  leaveUnanswered(count: number): void {
    this.unanswered += count;
  }

  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** An exporter binary on a fixed loopback port, started again with the same arguments after down(). */
class ExporterProcess implements StandIn {
  constructor(
    readonly name: string,
    readonly port: number,
    private readonly processes: Processes,
    private readonly command: string,
    private readonly args: string[],
    private readonly readyPath: string,
  ) {}

  async up(): Promise<void> {
    if (this.processes.isRunning(this.name)) return;
    const started = this.processes.start(this.name, this.command, [...this.args, `--web.listen-address=127.0.0.1:${this.port}`]);
    await waitUntilReady(`http://127.0.0.1:${this.port}${this.readyPath}`, started, 20_000);
  }

  down(): Promise<void> {
    return this.processes.stop(this.name);
  }
}

/**
 * The loopback stand-ins for the targets of a rendered prometheus.yml: per
 * `site/node`, node_exporter and blackbox_exporter (with that node's rendered
 * blackbox.yml) as processes, every other service as a LoopbackServer (the edge
 * agent reports its sensors fresh, the camera hub every camera online), and one
 * LoopbackServer per HTTP/TCP camera. ICMP cameras are probed at 127.0.0.1,
 * which always answers.
 */
export class StandIns {
  private readonly targets = new Map<string, StandIn>();
  private readonly cameras = new Map<string, LoopbackServer | undefined>();

  constructor(
    /** With a timing, the blackbox exporters' module timeouts are test-scaled. */
    private readonly o: { processes: Processes; files: ReadonlyMap<string, string>; inventory: Inventory; dir: string; timing?: Timing },
  ) {}

  /** Starts a stand-in for every target of `prometheusYaml` (of `jobs` only, if given) whose service `given` (service → host:port) does not name. */
  async startFor(prometheusYaml: string, given: Record<string, string>, jobs?: readonly string[]): Promise<void> {
    const groups: { labels: Labels }[] = parse(prometheusYaml)
      .scrape_configs.filter((job: { job_name: string }) => !jobs || jobs.includes(job.job_name))
      .flatMap((job: { static_configs: unknown[] }) => job.static_configs);
    for (const { labels } of groups) {
      if (labels.service in given) continue;
      const key = this.keyOf(labels);
      if (!this.targets.has(key)) this.targets.set(key, await this.create(labels, key));
      if (labels.camera && !this.cameras.has(labels.camera))
        this.cameras.set(labels.camera, labels.__param_module === "camera_icmp" ? undefined : new LoopbackServer(`camera ${labels.camera}`, await freePort()));
    }
    await Promise.all([...this.targets.values(), ...this.cameras.values()].map((s) => s?.up()));
  }

  /** host:port a target with these labels is scraped at (`given` first, as in startFor). */
  address(labels: Labels, given: Record<string, string> = {}): string {
    return given[labels.service] ?? `127.0.0.1:${this.get(this.keyOf(labels)).port}`;
  }

  /** The loopback target a camera probe goes to instead of the camera. */
  probeTarget(labels: Labels): string {
    const camera = this.cameras.get(labels.camera);
    if (!camera) return "127.0.0.1";
    if (labels.__param_module !== "camera_http") return `127.0.0.1:${camera.port}`;
    const url = new URL(labels.__param_target);
    url.host = `127.0.0.1:${camera.port}`;
    return url.toString();
  }

  /** The stand-in of `service` on `site/node` ("blackbox-exporter", "node-exporter", "edge-agent", ...). */
  get(key: string): StandIn {
    const standIn = this.targets.get(key);
    if (!standIn) throw new Error(`no stand-in for ${key}; have ${[...this.targets.keys()].join(", ")}`);
    return standIn;
  }

  loopback(key: string): LoopbackServer {
    const standIn = this.get(key);
    if (!(standIn instanceof LoopbackServer)) throw new Error(`${key} is a process, not a loopback server`);
    return standIn;
  }

  camera(name: string): LoopbackServer {
    const camera = this.cameras.get(name);
    if (!camera) throw new Error(`camera ${name} has no loopback stand-in (ICMP probes always reach 127.0.0.1)`);
    return camera;
  }

  /** Every stand-in of one node, its cameras included. */
  ofNode(site: string, node: string): StandIn[] {
    const cameras = this.o.inventory.sites.find((s) => s.name === site)?.nodes.find((n) => n.name === node)?.cameras ?? [];
    return [
      ...[...this.targets.entries()].filter(([key]) => key.startsWith(`${site}/${node}/`)).map(([, s]) => s),
      ...cameras.flatMap((c) => this.cameras.get(c.name) ?? []),
    ];
  }

  /** Stops every in-process server (processes are stopped through Processes). */
  async close(): Promise<void> {
    await Promise.all([...this.targets.values(), ...this.cameras.values()].filter((s) => s instanceof LoopbackServer).map((s) => s!.down()));
  }

  private keyOf(labels: Labels): string {
    // A camera probe is a scrape of the node's blackbox_exporter.
    const service = labels.service === "camera-probe" ? "blackbox-exporter" : labels.service;
    return `${labels.site}/${labels.node}/${service}`;
  }

  private async create(labels: Labels, key: string): Promise<StandIn> {
    const port = await freePort();
    const { site, node } = labels;
    if (key.endsWith("/node-exporter")) return new ExporterProcess(`${key}`, port, this.o.processes, "prometheus-node-exporter", [], "/metrics");
    if (key.endsWith("/blackbox-exporter")) {
      // The hub's own exporter checks the hub's certificate; a node's probes its cameras too.
      const config = this.o.files.get(`${site === "hub" ? "hub" : `edge-${site}-${node}`}/blackbox-exporter/blackbox.yml`);
      if (!config) throw new Error(`no rendered blackbox.yml for ${site}/${node}`);
      writeFiles(this.o.dir, { [`blackbox-${site}-${node}.yml`]: this.o.timing ? scaleBlackboxForTest(config, this.o.timing) : config });
      return new ExporterProcess(key, port, this.o.processes, "prometheus-blackbox-exporter", [`--config.file=${join(this.o.dir, `blackbox-${site}-${node}.yml`)}`], "/-/healthy");
    }
    return new LoopbackServer(key, port, () => this.metricsOf(labels));
  }

  /** What a stood-in service reports besides its scrape counter. */
  private metricsOf(labels: Labels): string {
    const inv = this.o.inventory;
    const now = Math.floor(Date.now() / 1000);
    if (labels.service === "edge-agent") {
      const sensors = inv.sites.find((s) => s.name === labels.site)?.nodes.find((n) => n.name === labels.node)?.sensors ?? [];
      return sensors.map((s) => `sensor_last_update_timestamp_seconds{sensor="${s.name}"} ${now}\n`).join("");
    }
    if (labels.service === "tapo-camera-mcp")
      return inv.sites.flatMap((s) => s.nodes.flatMap((n) => n.cameras.map((c) => `tapo_camera_online{camera="${c.name}"} 1\n`))).join("");
    return "";
  }
}

// ---------------------------------------------------------------------------
// The hub and push-node agents

export interface HubOptions {
  readonly inventory: Inventory;
  readonly files: ReadonlyMap<string, string>;
  /** Config and data directories go here. */
  readonly dir: string;
  readonly processes: Processes;
  /** @default - the rendered (production) intervals */
  readonly timing?: Timing;
  /** Also start an agent per push-site node, remote-writing to the hub. @default false */
  readonly pushSites?: boolean;
  /** Extra command-line flags of those agents. @default - none */
  readonly agentFlags?: readonly string[];
  /** Scrape only these jobs of the hub's prometheus.yml, and stand in only for their targets. @default - all */
  readonly jobs?: readonly string[];
  readonly onDelivery?: (d: Delivery) => void;
}

export interface Hub {
  readonly prometheus: PrometheusProcess;
  /** host:port of the hub's own services, by `service` label: prometheus, alertmanager, pushgateway. */
  readonly addresses: Readonly<Record<string, string>>;
  readonly alertmanagerUrl: string;
  readonly pushgatewayUrl: string;
  readonly receivers: Receivers;
  readonly standIns: StandIns;
  /** Stops the stand-in servers and receivers (processes: through Processes). */
  close(): Promise<void>;
}

/**
 * The hub's Prometheus (rules included), Alertmanager and pushgateway, plus stand-ins
 * for every target of its prometheus.yml. Resolves once all three answer ready;
 * wait for targets and Alertmanager discovery with untilTargetsUp /
 * untilAlertmanagerDiscovered.
 */
export async function startHub(o: HubOptions): Promise<Hub> {
  const am = parse(o.files.get("hub/alertmanager/alertmanager.yml")!);
  const receivers = await Receivers.start(am.receivers.map((r: { name: string }) => r.name), o.onDelivery);
  const standIns = new StandIns({ processes: o.processes, files: o.files, inventory: o.inventory, dir: join(o.dir, "stand-ins"), timing: o.timing });
  try {
    const [prometheusPort, alertmanagerPort, pushgatewayPort] = [await freePort(), await freePort(), await freePort()];
    const given = { prometheus: `127.0.0.1:${prometheusPort}`, alertmanager: `127.0.0.1:${alertmanagerPort}`, pushgateway: `127.0.0.1:${pushgatewayPort}` };

    const alertmanager = startAlertmanager(o.processes, "hub/alertmanager", {
      config: rewriteAlertmanagerForTest(o.files.get("hub/alertmanager/alertmanager.yml")!, receivers.urls, o.timing),
      configDir: join(o.dir, "alertmanager"),
      dataDir: join(o.dir, "alertmanager", "data"),
      port: alertmanagerPort,
    });
    const pushgateway = o.processes.start("hub/pushgateway", "prometheus-pushgateway", [
      `--web.listen-address=${given.pushgateway}`,
      `--persistence.file=${join(o.dir, "pushgateway.data")}`,
    ]);

    const hubYaml = o.files.get("hub/prometheus/prometheus.yml")!;
    await standIns.startFor(hubYaml, given, o.jobs);
    const configDir = join(o.dir, "prometheus");
    writePrometheusConfig(configDir, o.files, "hub/prometheus/", rewritePrometheusForTest(hubYaml, {
      address: (labels) => standIns.address(labels, given),
      probeTarget: (labels) => standIns.probeTarget(labels),
      alertmanager: given.alertmanager,
      jobs: o.jobs,
      timing: o.timing,
    }), o.timing);
    const prometheus = await startPrometheus(o.processes, "hub/prometheus", {
      configDir,
      dataDir: join(o.dir, "prometheus", "data"),
      port: prometheusPort,
      flags: ["--web.enable-lifecycle", "--web.enable-remote-write-receiver", ...(o.timing ? [`--rules.alert.resend-delay=${duration(o.timing.resendDelaySeconds)}`] : [])],
    });
    const alertmanagerUrl = await alertmanager;
    await waitUntilReady(`http://${given.pushgateway}/-/ready`, pushgateway, 20_000);

    if (o.pushSites)
      for (const site of o.inventory.sites.filter((s) => s.mode === "push"))
        for (const node of site.nodes)
          await startAgent({ ...o, standIns, site: site.name, node: node.name, writeUrl: `${prometheus.url}/api/v1/write`, port: await freePort(), flags: o.agentFlags });

    return {
      prometheus,
      addresses: given,
      alertmanagerUrl,
      pushgatewayUrl: `http://${given.pushgateway}`,
      receivers,
      standIns,
      close: async () => {
        await standIns.close();
        await receivers.close();
      },
    };
  } catch (err) {
    await standIns.close();
    await receivers.close();
    throw err;
  }
}

/** Writes prometheus.yml and, scaled when timed, the rule files that sit next to it in `files` under `prefix`. */
export function writePrometheusConfig(configDir: string, files: ReadonlyMap<string, string>, prefix: string, prometheusYaml: string, timing?: Timing): void {
  const rules = [...files].filter(([key]) => key.startsWith(`${prefix}rules/`));
  writeFiles(configDir, {
    "prometheus.yml": prometheusYaml,
    ...Object.fromEntries(rules.map(([key, content]) => [key.slice(prefix.length), timing ? scaleRulesForTest(content, timing) : content])),
  });
}

/**
 * The push node's Prometheus in agent mode, with its rendered config scraping
 * loopback stand-ins (started here unless `standIns` has them) and remote-writing
 * to `writeUrl`.
 */
export async function startAgent(o: {
  files: ReadonlyMap<string, string>;
  processes: Processes;
  standIns: StandIns;
  dir: string;
  site: string;
  node: string;
  writeUrl: string;
  port: number;
  timing?: Timing;
  flags?: readonly string[];
}): Promise<PrometheusProcess> {
  const stack = `edge-${o.site}-${o.node}`;
  const yaml = o.files.get(`${stack}/prometheus-agent/prometheus.yml`);
  if (!yaml) throw new Error(`${stack} has no prometheus-agent config: is ${o.site} a push site?`);
  const given = { "prometheus-agent": `127.0.0.1:${o.port}` };
  await o.standIns.startFor(yaml, given);
  const configDir = join(o.dir, stack);
  writeFiles(configDir, {
    "prometheus.yml": rewritePrometheusForTest(yaml, {
      address: (labels) => o.standIns.address(labels, given),
      probeTarget: (labels) => o.standIns.probeTarget(labels),
      remoteWrite: o.writeUrl,
      timing: o.timing,
    }),
  });
  // As deployed: the WAL keeps unsent samples for 6 h.
  return startPrometheus(o.processes, `${stack}/prometheus-agent`, {
    configDir,
    dataDir: join(configDir, "data"),
    port: o.port,
    agent: true,
    flags: ["--storage.agent.retention.max-time=6h", ...(o.flags ?? [])],
  });
}
