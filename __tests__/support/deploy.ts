// A container of the synthesized app, run as a process on 127.0.0.1: its rendered
// files installed (test credentials filled in) and its binary started with the
// container's synthesized command, mapped to loopback (the security and verify suites).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RECEIVER_NAME_IN_METRICS } from "../../constructs/alertmanager";
import type { Placeholder } from "../../constructs/config/terraform-content";
import { parse } from "yaml";
import { Processes, rewriteAlertmanagerForTest, Timing } from "../real/e2e/harness";
import { installService } from "./install";

export interface SynthesizedApp {
  /** Rendered files, keyed `<stack>/<service>/<file>`. */
  readonly rendered: ReadonlyMap<string, string>;
  /** The cdktf output directory (stacks/<stack>/cdk.tf.json). */
  readonly outdir: string;
  /** Where services' files go: <dir>/<stack>/<container>. */
  readonly dir: string;
  readonly processes: Processes;
  /** Values of placeholders (test credentials; harmless values for the operator's variables). */
  readonly fill: (placeholder: Placeholder) => string;
}

export interface Deployment {
  /** Process name (for Processes) and, unless `container` is given, the container's name. */
  readonly name: string;
  readonly binary: string;
  readonly stack: string;
  /** @default name */
  readonly container?: string;
  /** The service's config directory in the container; its files go to `localDir`. */
  readonly containerDir: string;
  /** @default <dir>/<stack>/<container> */
  readonly localDir?: string;
  /** The data path in the container and where it goes here. */
  readonly data?: readonly [string, string];
  readonly port: number;
  /** Test-only changes to the installed files (loopback targets, Debian versions). */
  readonly adjust?: (files: Map<string, string>) => void;
  /** From the mapped command to the process's arguments. @default - as is */
  readonly args?: (command: string[]) => string[];
}

/**
 * Paths under the config and data directories move to the test's, the listen
 * address to `port`; Prometheus 2.42 (Debian) takes --enable-feature=agent for
 * 3.x's --agent, and Alertmanager 0.25 (Debian) has no feature flags.
 */
export function deploy(app: SynthesizedApp, o: Deployment): void {
  const container = o.container ?? o.name;
  const localDir = o.localDir ?? join(app.dir, o.stack, container);
  const files = installService(app.rendered, `${o.stack}/${container}`, o.containerDir, localDir, app.fill);
  o.adjust?.(files);
  const json = JSON.parse(readFileSync(join(app.outdir, "stacks", o.stack, "cdk.tf.json"), "utf8"));
  const found = Object.values<{ name: string; command: string[] }>(json.resource.docker_container).find((c) => c.name === container);
  if (!found) throw new Error(`${o.stack} has no container ${container}`);
  const command = found.command.flatMap((arg) => {
    if (arg.startsWith("--web.listen-address=")) return [`--web.listen-address=127.0.0.1:${o.port}`];
    if (arg === "--agent") return ["--enable-feature=agent"];
    if (arg === RECEIVER_NAME_IN_METRICS) return [];
    if (arg === "--path.rootfs=/host") return ["--path.rootfs=/"];
    if (o.data && arg.endsWith(`=${o.data[0]}`)) return [arg.replace(`=${o.data[0]}`, `=${o.data[1]}`)];
    return [arg.split(`${o.containerDir}/`).join(`${localDir}/`)];
  });
  app.processes.start(o.name, o.binary, o.args ? o.args(command) : command);
}

/**
 * The hub's Loki gateway (nginx with its rendered config) on 127.0.0.1, in front
 * of a Loki (or stand-in) on `lokiPort`: the listeners move to the test's ports,
 * and nginx's log and scratch paths into its own directory.
 */
export function deployLokiGateway(app: SynthesizedApp, o: { readonly port: number; readonly healthPort: number; readonly lokiPort: number }): void {
  const gatewayDir = join(app.dir, "hub", "loki-gateway");
  const rewrite = (path: string, change: (text: string) => string) => writeFileSync(path, change(readFileSync(path, "utf8")));
  deploy(app, {
    name: "nginx",
    binary: "nginx",
    stack: "hub",
    container: "loki-gateway",
    containerDir: "/etc/nginx/gateway",
    port: o.port,
    // The command names the program; the prefix and startup error log nginx opens before reading its config are the package's.
    args: (command) => ["-p", gatewayDir, "-e", "stderr", ...command.slice(1)],
    adjust: (files) =>
      rewrite(files.get("nginx.conf")!, (conf) =>
        conf
          .replace(/listen 3100 ssl;/, `listen 127.0.0.1:${o.port} ssl;`)
          .replace(/listen 127\.0\.0\.1:8081;/, `listen 127.0.0.1:${o.healthPort};`)
          .replace(/http:\/\/loki:3100/g, `http://127.0.0.1:${o.lokiPort}`)
          // Docker hands nginx a pipe for /dev/stdout; a test process gets a socket, which nginx cannot open.
          .replace("access_log /dev/stdout;", `access_log ${join(gatewayDir, "access.log")};`)
          // nginx's scratch directory (a tmpfs in the container).
          .replace(/ \/tmp\/(nginx\.pid|client_body|proxy|fastcgi|uwsgi|scgi);/g, ` ${gatewayDir}/$1;`),
      ),
  });
}

/**
 * The hub's Alertmanager (Debian 0.25) with its rendered config: 0.25 predates the
 * receivers' *_file settings, so every receiver becomes a webhook to
 * `<receiverBase>/<name>`; routes stay, intervals are capped to `timing` if given.
 */
export function deployAlertmanager(app: SynthesizedApp, o: { readonly port: number; readonly receiverBase: string; readonly dataDir: string; readonly timing?: Timing }): void {
  const rewrite = (path: string, change: (text: string) => string) => writeFileSync(path, change(readFileSync(path, "utf8")));
  deploy(app, {
    name: "alertmanager",
    binary: "prometheus-alertmanager",
    stack: "hub",
    containerDir: "/etc/alertmanager",
    data: ["/alertmanager", o.dataDir],
    port: o.port,
    adjust: (files) =>
      rewrite(files.get("alertmanager.yml")!, (yaml) =>
        rewriteAlertmanagerForTest(yaml, Object.fromEntries(parse(yaml).receivers.map((r: { name: string }) => [r.name, `${o.receiverBase}/${r.name}`])), o.timing),
      ),
  });
}
