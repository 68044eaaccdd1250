// Applies the docker_image, docker_network, docker_volume and docker_container
// resources of a synthesized stack (its cdk.tf.json) through the Docker Engine API,
// the way the pinned provider (kreuzwerker/docker 3.6.2, what @cdktf/provider-docker
// 12.0.3 wraps; internal/provider/resource_docker_container_funcs.go) does:
//
// - create: a container is created on the default bridge (or its network_mode),
//   then disconnected from "bridge" and connected to each networks_advanced entry
//   with its aliases; each upload is a one-file tar archive put at "/"; then start;
//   with `wait`, inspect every second until Health is "healthy" (no healthcheck is
//   an error, wait_timeout, default 60 s, too); with `attach`, wait until it is no
//   longer running. Then the read: up to 15 s for a created container to be
//   running; `must_run` and not running deletes it and fails; exit_code is kept
//   for a stopped one (the loaders' postcondition `self.exit_code == 0`).
// - order: the reference and depends_on graph, walked with Terraform's default
//   parallelism (10); a failed resource's dependents are not started.
// - a changed container (any resolved argument) is replaced, and so is each one
//   whose lifecycle.replace_triggered_by names a replaced resource: dependents
//   destroyed first, then created in order (service, loader, new loader, new
//   service). Destroy is the provider's: stop with destroy_grace_seconds (0 when
//   unset, i.e. SIGKILL right after the stop signal), remove (anonymous volumes
//   too), wait. Volumes and networks are created once and never replaced here.
//
// Values: `${...}` references resolve to the test's credentials (test PKI), the
// test's secret variables, other resources' names and image IDs, and, for edge
// stacks, the hub's outputs (terraform_remote_state); `$${` and `%%{` unescape.
import { DockerApi, DockerError } from "./api";

export type Json = any;

export interface StackJson {
  readonly resource: Record<string, Record<string, Json>>;
  readonly output?: Record<string, { value: string }>;
}

/** Where references outside the Docker resources get their values. */
export interface Values {
  /** `${var.NAME}` */
  variable(name: string): string;
  /** `${random_password.<id>.result|bcrypt_hash}` by password identity. */
  password(identity: string, attribute: "result" | "bcrypt_hash"): string;
  /** `${tls_*}`: the CA's certificate ("ca"), a host's certificate or key. */
  tls(host: string, part: "cert" | "key"): string;
  /** The hub stack, for terraform_remote_state outputs. */
  readonly hub?: StackJson;
}

/** A change a test makes to a resolved upload before it is applied (the Debian versions' limits). */
export type UploadAdjustment = (containerName: string, file: string, content: string) => string;

export interface Event {
  readonly op: "create" | "destroy";
  readonly address: string;
  readonly name: string;
  readonly at: number;
  /** A destroyed container's exit code after the stop (137: killed). */
  readonly exitCode?: number;
}

interface Applied {
  /** The resolved arguments the resource was created with. */
  readonly spec: string;
  readonly id: string;
}

const PARALLELISM = 10;
const REF = /(?<![$%])\$\{([^}]*)\}/g;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Go's time.ParseDuration for the forms healthchecks use (1m30s, 10s, 500ms), in nanoseconds. */
function durationNs(value: string | undefined): number {
  if (!value) return 0;
  let total = 0;
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)) total += Number(m[1]) * { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[m[2] as "s"];
  return Math.round(total);
}

/** Terraform's JSON syntax puts single blocks as objects; the provider reads them as one-element lists. */
const blocks = (v: Json): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export class StackApplier {
  /** Resources as created (by address), their Docker IDs and resolved arguments. */
  readonly state = new Map<string, Applied>();
  readonly events: Event[] = [];
  /** When each container was created and when the provider returned for it (healthy, exited, running). */
  readonly timings = new Map<string, { created: number; done: number }>();
  private stack!: StackJson;

  constructor(
    readonly api: DockerApi,
    private readonly values: Values,
    private readonly adjust: UploadAdjustment = (_c, _f, content) => content,
  ) {}

  // ------------------------------------------------------------------ values

  private reference(expr: string, self?: Json): Json {
    const parts = expr.trim().split(".");
    const [type, id, ...rest] = parts;
    const attr = rest.join(".");
    const v = this.values;
    const identity = (pattern: RegExp) => {
      const m = pattern.exec(id);
      if (!m) throw new Error(`cannot read ${expr}`);
      return m[1];
    };
    switch (type) {
      case "var":
        return v.variable(id);
      case "random_password":
        return v.password(identity(/^credentials_password-(.+)_[0-9A-F]{8}$/), attr as "result");
      case "tls_self_signed_cert":
        return v.tls("ca", "cert");
      case "tls_locally_signed_cert":
        return v.tls(identity(/^credentials_(.+)-cert_[0-9A-F]{8}$/), "cert");
      case "tls_private_key":
        return v.tls(identity(/^credentials_(.+)-key_[0-9A-F]{8}$/), "key");
      case "docker_image": {
        const applied = this.state.get(`docker_image.${id}`);
        if (!applied) throw new Error(`${expr} before the image was read`);
        return applied.id;
      }
      case "docker_volume":
      case "docker_network":
        if (attr !== "name") throw new Error(`unsupported ${expr}`);
        return this.evalValue(this.stack.resource[type][id].name);
      case "data": {
        // data.terraform_remote_state.<id>.outputs.<name>
        if (id !== "terraform_remote_state" || rest[1] !== "outputs" || !v.hub) throw new Error(`unsupported ${expr}`);
        const output = v.hub.output?.[rest[2]];
        if (!output) throw new Error(`the hub has no output ${rest[2]}`);
        return new StackApplier(this.api, v).withStack(v.hub).evalString(output.value);
      }
      case "self":
        return self?.[id];
      default:
        throw new Error(`unsupported reference ${expr}`);
    }
  }

  private withStack(stack: StackJson): this {
    this.stack = stack;
    return this;
  }

  /** A Terraform template string: references replaced, escapes undone. */
  private evalString(text: string, self?: Json): string {
    if (/(?<!%)%\{/.test(text)) throw new Error(`template directives are not supported: ${text.slice(0, 80)}`);
    return text.replace(/\$\$\{|%%\{|\$\{([^}]*)\}/g, (match, expr: string | undefined) => {
      if (match === "$${") return "${";
      if (match === "%%{") return "%{";
      return String(this.reference(expr!, self));
    });
  }

  private evalValue(value: Json): Json {
    if (typeof value === "string") return this.evalString(value);
    if (Array.isArray(value)) return value.map((v) => this.evalValue(v));
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).filter(([k]) => k !== "//").map(([k, v]) => [k, this.evalValue(v)]));
    return value;
  }

  /** Addresses a resource depends on: references to other docker resources and depends_on. */
  private dependencies(address: string, body: Json): string[] {
    const deps = new Set<string>(body.depends_on ?? []);
    const text = JSON.stringify({ ...body, lifecycle: undefined });
    for (const m of text.matchAll(REF)) {
      const [type, id] = m[1].split(".");
      if (type.startsWith("docker_")) deps.add(`${type}.${id}`);
    }
    deps.delete(address);
    return [...deps];
  }

  // ------------------------------------------------------------------ apply

  /**
   * Makes the engine match `stack`: images read, networks and volumes created
   * once, containers created, and replaced when their arguments (or a
   * replace_triggered_by resource) changed. Throws with every failed resource.
   */
  async apply(stack: StackJson): Promise<void> {
    this.stack = stack;
    const resources = new Map<string, Json>();
    for (const type of ["docker_image", "docker_network", "docker_volume", "docker_container"])
      for (const [id, body] of Object.entries(stack.resource[type] ?? {})) resources.set(`${type}.${id}`, body);
    const deps = new Map([...resources].map(([address, body]) => [address, this.dependencies(address, body)]));

    // What changed: containers whose resolved arguments differ, then replace_triggered_by.
    const replaced = new Set<string>();
    for (const [address, body] of resources) {
      const before = this.state.get(address);
      if (before && address.startsWith("docker_container.") && before.spec !== this.containerSpec(body)) replaced.add(address);
    }
    for (let grew = true; grew; ) {
      grew = false;
      for (const [address, body] of resources)
        if (!replaced.has(address) && this.state.has(address) && (body.lifecycle?.replace_triggered_by ?? []).some((t: string) => replaced.has(t))) {
          replaced.add(address);
          grew = true;
        }
    }
    // Destroy dependents first.
    const order = topological([...replaced], deps).reverse();
    for (const address of order) await this.destroy(address, resources.get(address));

    const errors: string[] = [];
    const done = new Set([...resources.keys()].filter((a) => this.state.has(a)));
    const failed = new Set<string>();
    const running = new Map<string, Promise<void>>();
    for (;;) {
      const ready = [...resources.keys()].filter((a) => !done.has(a) && !failed.has(a) && !running.has(a) && deps.get(a)!.every((d) => done.has(d) || !resources.has(d)));
      const blocked = [...resources.keys()].filter((a) => !done.has(a) && !failed.has(a) && !running.has(a) && deps.get(a)!.some((d) => failed.has(d)));
      for (const a of blocked) failed.add(a);
      for (const address of ready.slice(0, PARALLELISM - running.size)) {
        running.set(
          address,
          this.create(address, resources.get(address))
            .then(() => void done.add(address))
            .catch((e: Error) => {
              failed.add(address);
              errors.push(e.message);
            })
            .finally(() => running.delete(address)),
        );
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    if (errors.length > 0) throw new Error(`apply failed:\n${errors.join("\n")}`);
  }

  private async create(address: string, body: Json): Promise<void> {
    const [type] = address.split(".");
    const v = this.evalValue(body);
    if (type === "docker_image") {
      const image = await this.api.json("GET", `/images/${encodeURIComponent(v.name)}/json`);
      this.state.set(address, { spec: JSON.stringify(v), id: image.Id });
    } else if (type === "docker_network") {
      const created = await this.api.json("POST", "/networks/create", {
        body: { Name: v.name, Driver: v.driver ?? "bridge", Internal: v.internal ?? false, Attachable: v.attachable ?? false, Options: v.options ?? {}, CheckDuplicate: true, IPAM: { Driver: "default" } },
      });
      this.state.set(address, { spec: JSON.stringify(v), id: created.Id });
    } else if (type === "docker_volume") {
      await this.api.json("POST", "/volumes/create", { body: { Name: v.name, Driver: v.driver ?? "local", DriverOpts: v.driver_opts ?? {}, Labels: v.labels ?? {} } });
      this.state.set(address, { spec: JSON.stringify(v), id: v.name });
    } else await this.createContainer(address, body, v);
  }

  /** The resolved arguments of a container, as compared for replacement (uploads after the test's adjustments). */
  private containerSpec(body: Json): string {
    const v = this.evalValue({ ...body, depends_on: undefined, lifecycle: undefined });
    v.upload = blocks(v.upload).map((u: Json) => ({ ...u, content: this.adjust(v.name, u.file, u.content) }));
    return JSON.stringify(v);
  }

  private fail(address: string, name: string, message: string): never {
    throw new Error(`${address} (container "${name}"): ${message}`);
  }

  private async createContainer(address: string, body: Json, v: Json): Promise<void> {
    const name: string = v.name;
    const command: string[] | undefined = v.command;
    if (command?.some((c) => c === "")) this.fail(address, name, "values for command may not be empty");
    const ports = blocks(v.ports);
    const exposed = Object.fromEntries(ports.map((p: Json) => [`${p.internal}/${p.protocol ?? "tcp"}`, {}]));
    const bindings: Record<string, Json[]> = {};
    for (const p of ports) (bindings[`${p.internal}/${p.protocol ?? "tcp"}`] ??= []).push({ HostIp: p.ip ?? "0.0.0.0", HostPort: String(p.external ?? "") });
    const volumes = blocks(v.volumes);
    const health = blocks(v.healthcheck)[0];
    const caps = blocks(v.capabilities)[0];
    const config = {
      Image: v.image,
      Cmd: command,
      Entrypoint: v.entrypoint,
      Env: v.env,
      User: v.user ?? "",
      Hostname: v.hostname ?? "",
      Labels: Object.fromEntries(blocks(v.labels).map((l: Json) => [l.label, l.value])),
      ExposedPorts: ports.length > 0 ? exposed : undefined,
      Volumes: volumes.length > 0 ? Object.fromEntries(volumes.map((x: Json) => [x.container_path, {}])) : undefined,
      StopTimeout: v.stop_timeout,
      Healthcheck: health
        ? { Test: health.test, Interval: durationNs(health.interval), Timeout: durationNs(health.timeout), StartPeriod: durationNs(health.start_period), StartInterval: durationNs(health.start_interval), Retries: health.retries ?? 0 }
        : undefined,
      HostConfig: {
        Binds: volumes.filter((x: Json) => x.volume_name || x.host_path).map((x: Json) => `${x.volume_name || x.host_path}:${x.container_path}:${x.read_only ? "ro" : "rw"}`),
        Mounts: blocks(v.mounts).map((m: Json) => ({
          Type: m.type,
          Target: m.target,
          Source: m.source,
          ReadOnly: m.read_only ?? false,
          ...(m.volume_options
            ? { VolumeOptions: { NoCopy: blocks(m.volume_options)[0].no_copy ?? false, DriverConfig: { Name: blocks(m.volume_options)[0].driver_name, Options: blocks(m.volume_options)[0].driver_options } } }
            : {}),
        })),
        RestartPolicy: { Name: v.restart ?? "no", MaximumRetryCount: v.max_retry_count ?? 0 },
        ReadonlyRootfs: v.read_only ?? false,
        LogConfig: { Type: v.log_driver ?? "json-file", Config: v.log_opts ?? {} },
        Tmpfs: v.tmpfs,
        PortBindings: ports.length > 0 ? bindings : undefined,
        CapAdd: caps?.add,
        CapDrop: caps?.drop,
        SecurityOpt: v.security_opts,
        Memory: v.memory ? v.memory * 1024 * 1024 : 0,
        NetworkMode: v.network_mode ?? "",
        PidMode: v.pid_mode ?? "",
        Privileged: v.privileged ?? false,
        AutoRemove: v.rm ?? false,
        Init: v.init ?? false,
      },
    };
    const created = Date.now();
    this.events.push({ op: "create", address, name, at: created });
    const { Id: id } = await this.api.json("POST", `/containers/create?name=${encodeURIComponent(name)}`, { body: config }).catch((e: Error) => this.fail(address, name, `Unable to create container: ${e.message}`));
    // From here the container exists: Terraform records it (tainted on a later error).
    const record = () => this.state.set(address, { spec: this.containerSpec(body), id });
    record();
    try {
      const networks = blocks(v.networks_advanced);
      if (networks.length > 0) {
        await this.api.json("POST", `/networks/bridge/disconnect`, { body: { Container: id, Force: false } }).catch((e: DockerError) => {
          if (!/is not connected to the network bridge|not connected/.test(e.message)) throw e;
        });
        for (const n of networks)
          await this.api.json("POST", `/networks/${encodeURIComponent(n.name)}/connect`, { body: { Container: id, EndpointConfig: { Aliases: n.aliases ?? [], IPAMConfig: {} } } });
      }
      for (const u of blocks(v.upload)) {
        const content = Buffer.from(this.adjust(name, u.file, u.content ?? Buffer.from(u.content_base64 ?? "", "base64").toString()));
        const mode = u.permissions ? parseInt(u.permissions, 8) : u.executable ? 0o744 : 0o644;
        await this.api.json("PUT", `/containers/${id}/archive?path=/`, { stream: tarOneFile(u.file, content, mode) });
      }
      const started = Date.now();
      if (v.start ?? true) {
        await this.api.json("POST", `/containers/${id}/start`);
        if (v.wait) await this.waitHealthy(address, name, id, v.wait_timeout ?? 60);
      }
      if (v.attach) await this.api.json("POST", `/containers/${id}/wait?condition=not-running`, { timeoutMs: 600_000 });
      const state = await this.read(address, name, id, v.must_run ?? true, started);
      this.timings.set(address, { created, done: Date.now() });
      // Preconditions are checked by Terraform after the provider returns.
      for (const post of blocks(body.lifecycle?.postcondition)) {
        const m = /^\$\{self\.exit_code == 0\}$/.exec(post.condition);
        if (!m) throw new Error(`unsupported postcondition ${post.condition}`);
        if (state.ExitCode !== 0) this.fail(address, name, `Resource postcondition failed: ${post.error_message} (exit code ${state.ExitCode}; logs: ${(await this.api.logs(id, 10)).trim()})`);
      }
    } catch (e) {
      record();
      throw e;
    }
  }

  private async waitHealthy(address: string, name: string, id: string, timeoutSeconds: number): Promise<void> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      const info = await this.api.json("GET", `/containers/${id}/json`);
      if (!info.State?.Health) this.fail(address, name, "you have supplied a 'wait' argument, but the container does not have a healthcheck defined");
      if (info.State.Health.Status === "healthy") return;
      if (Date.now() > deadline) {
        const last = info.State.Health.Log?.slice(-1)[0]?.Output?.trim() ?? "";
        this.fail(address, name, `container failed to be in healthy state (restarts: ${info.RestartCount}; last check: ${last}; logs: ${(await this.api.logs(id, 5)).trim()})`);
      }
      await sleep(1000);
    }
  }

  /** The provider's read after create: running, or (not must_run) stopped, within 15 s. */
  private async read(address: string, name: string, id: string, mustRun: boolean, created: number): Promise<Json> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const info = await this.api.json("GET", `/containers/${id}/json`);
      const state = info.State;
      if (state.Running || !mustRun) return state;
      if (Date.parse(state.FinishedAt) > created) {
        const logs = (await this.api.logs(id, 10)).trim();
        await this.removeContainer(id, 0, false);
        this.state.delete(address);
        this.fail(address, name, `container exited immediately (logs: ${logs})`);
      }
      if (Date.now() > deadline) {
        await this.removeContainer(id, 0, false);
        this.state.delete(address);
        this.fail(address, name, "container failed to be in running state");
      }
      await sleep(100);
    }
  }

  private async destroy(address: string, body: Json): Promise<void> {
    const applied = this.state.get(address);
    if (!applied) return;
    const v = this.evalValue({ ...body, upload: undefined });
    const at = Date.now();
    const exitCode = await this.removeContainer(applied.id, v.destroy_grace_seconds ?? 0, !v.attach);
    this.events.push({ op: "destroy", address, name: v.name, at, exitCode });
    this.state.delete(address);
  }

  /** Stop (unless attached), remove, wait; the exit code the stop left. */
  private async removeContainer(id: string, graceSeconds: number, stop: boolean): Promise<number | undefined> {
    if (stop) await this.api.json("POST", `/containers/${id}/stop?t=${graceSeconds}`, { timeoutMs: (graceSeconds + 30) * 1000 }).catch(() => undefined);
    const exitCode = (await this.api.json("GET", `/containers/${id}/json`).catch(() => undefined))?.State?.ExitCode;
    await this.api.json("DELETE", `/containers/${id}?v=1&force=1`).catch((e: Error) => {
      if (!/No such container|already in progress/.test(e.message)) throw e;
    });
    await this.api.json("POST", `/containers/${id}/wait?condition=not-running`).catch(() => undefined);
    return exitCode;
  }

  /** Container name → Docker ID, for what is applied now. */
  containers(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [address, body] of Object.entries(this.stack.resource.docker_container ?? {})) {
      const applied = this.state.get(`docker_container.${address}`);
      if (applied) out.set(body.name, applied.id);
    }
    return out;
  }
}

/** Order `nodes` so that each comes after what it depends on (among `nodes`). */
function topological(nodes: string[], deps: Map<string, string[]>): string[] {
  const set = new Set(nodes);
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const d of deps.get(n) ?? []) if (set.has(d)) visit(d);
    out.push(n);
  };
  nodes.forEach(visit);
  return out;
}

/** A ustar archive with one regular file (owner root), as the provider's archive/tar writer makes it. */
export function tarOneFile(path: string, content: Buffer, mode: number): Buffer {
  const header = Buffer.alloc(512, 0);
  let name = path.replace(/^\/+/, "");
  let prefix = "";
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf("/", 155);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, "utf8");
  const octal = (offset: number, length: number, value: number) => field(offset, length, value.toString(8).padStart(length - 1, "0") + "\0");
  field(0, 100, name);
  octal(100, 8, mode);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, content.length);
  octal(136, 12, Math.floor(Date.now() / 1000));
  field(148, 8, "        ");
  field(156, 1, "0");
  field(257, 6, "ustar\0");
  field(263, 2, "00");
  field(345, 155, prefix);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024, 0)]);
}
