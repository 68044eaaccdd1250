// Docker hosts for the test: one network namespace per host of the deployment
// (hub, a pull edge, a push edge), joined by a test LAN bridge, each running its
// own dockerd (Debian's docker.io) with its own data root, exec root, socket,
// cgroup parent and bridge addresses under the run's temporary directory.
//
// Network safety: the namespaces have no default route, and before the first
// container starts an egress rule in each (and one on the LAN bridge in the root
// namespace) drops any packet leaving through an interface that is not loopback,
// the test LAN or one of that engine's own Docker bridges. Everything is removed
// afterwards: containers, networks, volumes and images through the API, dockerd
// and what is left in its namespace by PID, then rules, namespaces, links,
// mounts, cgroups and the directory. A run that died leaves names no other run
// uses (a random run id); the next run sweeps such leftovers whose owner is gone.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerApi } from "./api";

const PREFIX = "hodk";
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
const tryRun = (cmd: string, args: string[]) => {
  try {
    return run(cmd, args);
  } catch {
    return undefined;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Kills one process by PID (TERM, then KILL after `graceMs`). */
async function killPid(pid: number, graceMs = 10_000): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}

/** PIDs of the processes in a network namespace (dockerd, containerd, shims, containers). */
const namespacePids = (netns: string) => (tryRun("ip", ["netns", "pids", netns]) ?? "").split(/\s+/).filter(Boolean).map(Number);

/** Unmounts everything mounted below `dir` (overlay layers, netns and shm bind mounts), deepest first. */
function unmountBelow(dir: string): void {
  const points = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((p) => p && (p === dir || p.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const p of points) tryRun("umount", ["-l", p]);
}

function cgroupDirs(name: string): string[] {
  const root = "/sys/fs/cgroup";
  const dirs = [join(root, name)];
  for (const controller of existsSync(root) ? readdirSync(root) : []) dirs.push(join(root, controller, name));
  return dirs.filter((d) => existsSync(d));
}

/** Every directory below `dir` (itself included), deepest first. */
function treeOf(dir: string): string[] {
  const below = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => treeOf(join(dir, e.name)));
  return [...below, dir];
}

/**
 * Kills every process left in the run's cgroup parent (a container's processes
 * live in their own network namespace, so only the cgroup finds them once dockerd
 * is gone), waits for them, and removes the cgroups.
 */
async function removeCgroup(name: string): Promise<void> {
  const pids = () => new Set(cgroupDirs(name).flatMap(treeOf).flatMap((d) => (tryRun("cat", [join(d, "cgroup.procs")]) ?? "").split("\n").filter(Boolean).map(Number)));
  for (let round = 0; round < 50 && pids().size > 0; round++) {
    for (const pid of pids()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await sleep(100);
  }
  for (const dir of cgroupDirs(name)) for (const d of treeOf(dir)) tryRun("rmdir", [d]);
}

/** iptables rules (in the current namespace, or `netns`) carrying `comment`, as `-D` argument lists. */
function rulesWithComment(comment: string, binary = "iptables", netns?: string): string[][] {
  const list = netns ? tryRun("ip", ["netns", "exec", netns, binary, "-S"]) : tryRun(binary, ["-S"]);
  return (list ?? "")
    .split("\n")
    .filter((l) => l.startsWith("-A ") && l.includes(comment))
    .map((l) => ["-D", ...splitRule(l.slice(3))]);
}

/** Splits `iptables -S` output into arguments (quoted comments stay whole). */
function splitRule(rule: string): string[] {
  return [...rule.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

export interface HostPlan {
  /** hub, pull or push: also the namespace's suffix. */
  readonly name: string;
  /** Host part of its address on the test LAN (the inventory's address is rewritten to it). */
  readonly hostPart: number;
}

/** One Docker host: a network namespace on the test LAN with its own dockerd. */
export class DockerHost {
  readonly netns: string;
  readonly address: string;
  readonly dir: string;
  readonly api: DockerApi;
  readonly cgroupParent: string;
  /** This engine's own bridges: the default bridge and the pool user-defined networks come from. */
  readonly bip: string;
  readonly pool: string;
  private daemonOutput = "";
  /** dockerd's PID, and its containerd's. */
  pid?: number;
  containerdPid?: number;

  constructor(
    readonly lan: TestLan,
    readonly name: string,
    hostPart: number,
    index: number,
  ) {
    this.netns = `${lan.id}-${name}`;
    this.address = `${lan.prefix}.${hostPart}`;
    this.dir = join(lan.dir, name);
    this.api = new DockerApi(join(this.dir, "docker.sock"));
    this.cgroupParent = `${lan.id}-${name}`;
    // 198.19.0.0/16 (RFC 2544 benchmarking range) is used only inside these namespaces.
    this.bip = `198.19.${index * 32}.1/24`;
    this.pool = `198.19.${index * 32 + 8}.0/21`;
  }

  /** The namespace, its LAN link (no default route), then dockerd; resolves when the API answers. */
  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    run("ip", ["netns", "add", this.netns]);
    const i = this.lan.hosts.indexOf(this);
    const outside = `${this.lan.id}v${i}`;
    const inside = `${this.lan.id}p${i}`;
    run("ip", ["link", "add", outside, "type", "veth", "peer", "name", inside]);
    run("ip", ["link", "set", outside, "master", this.lan.bridge, "up"]);
    run("ip", ["link", "set", inside, "netns", this.netns]);
    const inNs = (args: string[]) => run("ip", ["-n", this.netns, ...args]);
    inNs(["link", "set", inside, "name", "lan0"]);
    inNs(["addr", "add", `${this.address}/24`, "dev", "lan0"]);
    inNs(["link", "set", "lan0", "up"]);
    inNs(["link", "set", "lo", "up"]);

    // Its own containerd: dockerd would otherwise use a system containerd it finds
    // running (/run/containerd), shared with the other engines and the machine's.
    const containerdSocket = join(this.dir, "exec", "containerd.sock");
    const containerdConfig = join(this.dir, "containerd.toml");
    writeFileSync(
      containerdConfig,
      [
        "version = 2",
        `root = ${JSON.stringify(join(this.dir, "data", "containerd"))}`,
        `state = ${JSON.stringify(join(this.dir, "exec", "containerd"))}`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        "[grpc]",
        `  address = ${JSON.stringify(containerdSocket)}`,
        "[ttrpc]",
        `  address = ${JSON.stringify(`${containerdSocket}.ttrpc`)}`,
        "[debug]",
        '  address = ""',
        "",
      ].join("\n"),
    );
    mkdirSync(join(this.dir, "exec"), { recursive: true });
    const containerd = spawn("nsenter", [`--net=/run/netns/${this.netns}`, "--", "containerd", `--config=${containerdConfig}`, "--log-level=warn"], { stdio: ["ignore", "pipe", "pipe"] });
    this.containerdPid = containerd.pid;
    containerd.stdout?.on("data", (d) => (this.daemonOutput += d));
    containerd.stderr?.on("data", (d) => (this.daemonOutput += d));
    for (const deadline = Date.now() + 30_000; !existsSync(containerdSocket); await sleep(100)) {
      if (containerd.exitCode !== null) throw new Error(`containerd for ${this.name} exited: ${this.daemonOutput}`);
      if (Date.now() > deadline) throw new Error(`containerd for ${this.name} did not start within 30 s: ${this.daemonOutput}`);
    }

    const config = join(this.dir, "daemon.json");
    writeFileSync(config, "{}\n");
    const args = [
      `--net=/run/netns/${this.netns}`,
      "--",
      "dockerd",
      `--config-file=${config}`,
      `--data-root=${join(this.dir, "data")}`,
      `--exec-root=${join(this.dir, "exec")}`,
      `--containerd=${containerdSocket}`,
      `--pidfile=${join(this.dir, "docker.pid")}`,
      `--host=unix://${this.api.socketPath}`,
      `--bip=${this.bip}`,
      `--default-address-pool=base=${this.pool},size=24`,
      // Nothing answers DNS here: names outside Docker's own fail at once, locally.
      `--dns=${this.address}`,
      `--cgroup-parent=/${this.cgroupParent}`,
      "--storage-driver=overlay2",
      "--log-level=warn",
    ];
    // nsenter execs dockerd in place: the child's PID is dockerd's.
    const daemon = spawn("nsenter", args, { stdio: ["ignore", "pipe", "pipe"] });
    this.pid = daemon.pid;
    writeFileSync(join(this.dir, "dockerd.pid"), `${daemon.pid}\n`);
    daemon.stdout?.on("data", (d) => (this.daemonOutput += d));
    daemon.stderr?.on("data", (d) => (this.daemonOutput += d));
    const deadline = Date.now() + 60_000;
    while (!(await this.api.ping())) {
      if (daemon.exitCode !== null) throw new Error(`dockerd for ${this.name} exited: ${this.daemonOutput}`);
      if (Date.now() > deadline) throw new Error(`dockerd for ${this.name} did not answer within 60 s: ${this.daemonOutput}`);
      await sleep(200);
    }
  }

  /**
   * The egress rule: container traffic (forwarded, or sent by a host-network
   * container) may leave only through loopback, the test LAN or this engine's
   * bridges. DOCKER-USER is the chain Docker leaves to the operator and never
   * flushes; OUTPUT covers host networking.
   */
  installEgressRule(): void {
    const ipt = (args: string[]) => run("ip", ["netns", "exec", this.netns, "iptables", ...args]);
    const chain = "HODK-EGRESS";
    ipt(["-N", chain]);
    for (const out of ["lo", "lan0", "docker0", "br-+"]) ipt(["-A", chain, "-o", out, "-j", "RETURN"]);
    ipt(["-A", chain, "-j", "DROP"]);
    // Docker 20.10 creates DOCKER-USER at start; insert ahead of its RETURN.
    ipt(["-I", "DOCKER-USER", "1", "-j", chain]);
    ipt(["-I", "OUTPUT", "1", "-j", chain]);
  }

  /** True while the egress rule is in place (checked by the test before any container starts). */
  hasEgressRule(): boolean {
    const rules = tryRun("ip", ["netns", "exec", this.netns, "iptables", "-S"]) ?? "";
    return rules.includes("-A DOCKER-USER -j HODK-EGRESS") && rules.includes("-A OUTPUT -j HODK-EGRESS") && rules.includes("-A HODK-EGRESS -j DROP");
  }

  /** Removes every container, network, volume and image through the API, then stops dockerd by PID. */
  async stop(): Promise<void> {
    if (this.pid !== undefined && alive(this.pid) && (await this.api.ping())) {
      try {
        const containers = await this.api.json<any[]>("GET", "/containers/json?all=1");
        await Promise.all(containers.map((c) => this.api.json("DELETE", `/containers/${c.Id}?force=1&v=1`).catch(() => undefined)));
        const networks = await this.api.json<any[]>("GET", "/networks");
        for (const n of networks) if (!["bridge", "host", "none"].includes(n.Name)) await this.api.json("DELETE", `/networks/${n.Id}`).catch(() => undefined);
        const volumes = await this.api.json<{ Volumes: any[] | null }>("GET", "/volumes");
        for (const v of volumes.Volumes ?? []) await this.api.json("DELETE", `/volumes/${v.Name}?force=1`).catch(() => undefined);
        const images = await this.api.json<any[]>("GET", "/images/json?all=1");
        for (const image of images) await this.api.json("DELETE", `/images/${image.Id}?force=1&noprune=0`).catch(() => undefined);
      } catch {
        // the engine is going away regardless
      }
    }
    if (this.pid !== undefined) await killPid(this.pid, 20_000);
    if (this.containerdPid !== undefined) await killPid(this.containerdPid, 10_000);
  }

  /** Peak memory of a container's cgroup in bytes (cgroup v1 max_usage, v2 memory.peak), or undefined. */
  peakMemoryBytes(containerId: string): number | undefined {
    for (const file of [
      `/sys/fs/cgroup/memory/${this.cgroupParent}/${containerId}/memory.max_usage_in_bytes`,
      `/sys/fs/cgroup/${this.cgroupParent}/${containerId}/memory.peak`,
    ])
      if (existsSync(file)) return Number(readFileSync(file, "utf8").trim());
    return undefined;
  }
}

/** The test LAN: a bridge in the root namespace (the test runner's address is .1) and the hosts on it. */
export class TestLan {
  readonly id: string;
  readonly dir: string;
  readonly bridge: string;
  readonly hosts: DockerHost[] = [];
  /** First three octets of the LAN, e.g. 198.18.42 (RFC 2544 benchmarking range, never routed out). */
  readonly prefix: string;
  /** The test runner's own address on the LAN. */
  readonly runnerAddress: string;
  private readonly comment: string;
  private createdRunDocker = false;

  private constructor(id: string, prefix: string) {
    this.id = id;
    this.prefix = prefix;
    this.bridge = id;
    this.runnerAddress = `${prefix}.1`;
    this.dir = join(tmpdir(), `${PREFIX}-run-${id.slice(PREFIX.length)}`);
    this.comment = `home-observability docker tier ${id}`;
  }

  /** Sweeps what dead earlier runs left, then makes the run directory and the LAN bridge with its drop rule. */
  static async create(): Promise<TestLan> {
    await sweepStaleRuns();
    const used = new Set((tryRun("ip", ["-4", "route", "show", "table", "all"]) ?? "").match(/198\.18\.\d+/g) ?? []);
    let third = 0;
    for (let tried = 0; tried < 256; tried++) {
      third = 1 + Math.floor(Math.random() * 254);
      if (!used.has(`198.18.${third}`)) break;
    }
    const lan = new TestLan(`${PREFIX}${randomBytes(3).toString("hex")}`, `198.18.${third}`);
    mkdirSync(lan.dir, { recursive: true });
    writeFileSync(join(lan.dir, "owner.pid"), `${process.pid}\n`);
    // dockerd makes /run/docker/plugins (plugin discovery) whatever its exec root.
    lan.createdRunDocker = !existsSync("/run/docker");
    if (lan.createdRunDocker) writeFileSync(join(lan.dir, "created-run-docker"), "");
    run("ip", ["link", "add", lan.bridge, "type", "bridge"]);
    run("ip", ["addr", "add", `${lan.runnerAddress}/24`, "dev", lan.bridge]);
    run("ip", ["link", "set", lan.bridge, "up"]);
    // Nothing from the LAN is forwarded anywhere by the root namespace.
    for (const binary of ["iptables", "ip6tables"])
      tryRun(binary, ["-I", "FORWARD", "1", "-i", lan.bridge, "!", "-o", lan.bridge, "-m", "comment", "--comment", lan.comment, "-j", "DROP"]);
    return lan;
  }

  addHost(name: string, hostPart: number): DockerHost {
    const host = new DockerHost(this, name, hostPart, this.hosts.length);
    this.hosts.push(host);
    return host;
  }

  /** Everything this run made, in reverse; never throws (runs in afterAll even after a failure). */
  async destroy(): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.stop().catch(() => undefined)));
    for (const host of this.hosts) {
      // containerd, shims or containers left in the namespace (dockerd killed hard): by PID.
      for (const pid of namespacePids(host.netns)) await killPid(pid, 5_000);
      await removeCgroup(host.cgroupParent);
      tryRun("ip", ["netns", "del", host.netns]);
    }
    for (const binary of ["iptables", "ip6tables"]) for (const rule of rulesWithComment(this.comment, binary)) tryRun(binary, rule);
    tryRun("ip", ["link", "del", this.bridge]);
    for (let i = 0; i < this.hosts.length; i++) tryRun("ip", ["link", "del", `${this.id}v${i}`]);
    unmountBelow(this.dir);
    rmSync(this.dir, { recursive: true, force: true });
    if (this.createdRunDocker) {
      tryRun("rmdir", ["/run/docker/plugins"]);
      tryRun("rmdir", ["/run/docker"]);
    }
  }

  /** What of this run is still on the machine (empty after destroy). */
  leftovers(): string[] {
    const found: string[] = [];
    const netns = tryRun("ip", ["netns", "list"]) ?? "";
    if (netns.includes(this.id)) found.push(`network namespaces: ${netns.split("\n").filter((l) => l.includes(this.id)).join(", ")}`);
    const links = tryRun("ip", ["-o", "link", "show"]) ?? "";
    if (links.includes(this.id)) found.push("links on the LAN");
    if (rulesWithComment(this.comment).length > 0) found.push("iptables rules");
    if (existsSync(this.dir)) found.push(this.dir);
    for (const host of this.hosts) {
      if (host.pid !== undefined && alive(host.pid)) found.push(`dockerd ${host.pid}`);
      if (host.containerdPid !== undefined && alive(host.containerdPid)) found.push(`containerd ${host.containerdPid}`);
      if (cgroupDirs(host.cgroupParent).length > 0) found.push(`cgroup ${host.cgroupParent}`);
    }
    return found;
  }
}

/** Removes processes, namespaces, links, rules, cgroups and directories of earlier runs whose test process is gone. */
async function sweepStaleRuns(): Promise<void> {
  const dirs = readdirSync(tmpdir()).filter((d) => d.startsWith(`${PREFIX}-run-`));
  for (const d of dirs) {
    const dir = join(tmpdir(), d);
    const owner = Number(tryRun("cat", [join(dir, "owner.pid")])?.trim() ?? NaN);
    if (Number.isFinite(owner) && alive(owner)) continue;
    const id = `${PREFIX}${d.slice(`${PREFIX}-run-`.length)}`;
    for (const line of (tryRun("ip", ["netns", "list"]) ?? "").split("\n")) {
      const netns = line.split(" ")[0];
      if (!netns?.startsWith(`${id}-`)) continue;
      for (const pid of namespacePids(netns)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      tryRun("ip", ["netns", "del", netns]);
    }
    const parents = new Set<string>();
    for (const root of ["/sys/fs/cgroup/memory", "/sys/fs/cgroup"]) if (existsSync(root)) for (const name of readdirSync(root)) if (name.startsWith(`${id}-`)) parents.add(name);
    for (const parent of parents) await removeCgroup(parent);
    for (const binary of ["iptables", "ip6tables"]) for (const rule of rulesWithComment(`home-observability docker tier ${id}`, binary)) tryRun(binary, rule);
    for (const line of (tryRun("ip", ["-o", "link", "show"]) ?? "").split("\n")) {
      const link = /^\d+: ([^:@]+)/.exec(line)?.[1];
      if (link?.startsWith(id)) tryRun("ip", ["link", "del", link]);
    }
    const madeRunDocker = existsSync(join(dir, "created-run-docker"));
    unmountBelow(dir);
    rmSync(dir, { recursive: true, force: true });
    if (madeRunDocker && !readdirSync(tmpdir()).some((d) => d.startsWith(`${PREFIX}-run-`))) {
      tryRun("rmdir", ["/run/docker/plugins"]);
      tryRun("rmdir", ["/run/docker"]);
    }
  }
}

/** Runs a Node script inside a host's network namespace (e.g. to reach a port it publishes on 127.0.0.1); its stdout. */
export function runInHost(host: DockerHost, script: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("nsenter", [`--net=/run/netns/${host.netns}`, "--", process.execPath, "-e", script], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`script in ${host.name} exited ${code}: ${err}`));
    });
    child.stdin.end(input);
  });
}

/** Starts a long-running Node script in a host's network namespace (a listener); stopped by PID with the returned function. */
export function startInHost(host: DockerHost, script: string): { pid: number; stop: () => Promise<void> } {
  const child = spawn("nsenter", [`--net=/run/netns/${host.netns}`, "--", process.execPath, "-e", script], { stdio: "ignore" });
  return { pid: child.pid!, stop: () => killPid(child.pid!, 2_000) };
}
