// Stand-in images, built at test time from Debian's packages: each .deb is taken
// from apt's cache when it holds the candidate version, else downloaded by
// `apt-get download` into the run's directory, then unpacked with `dpkg-deb -x`
// into a root filesystem laid out like the official image the stacks pin
// (binary paths, users and uids, owned data directories, entrypoints), and
// imported with `POST /images/create?fromSrc=-` under the pinned name. No
// debootstrap: every image here needs only a few packages' files.
//
// What differs from the pinned images (the specs run unchanged on these):
// - Prometheus is Debian's 2.42, not 3.13: /bin/prometheus is a wrapper that
//   passes --enable-feature=agent for 3.x's --agent (push edges).
// - Alertmanager is 0.25, not 0.34: it cannot read the 0.26+ receiver fields
//   (url_file, pushover *_file, msteamsv2_configs), so the test gives it the same
//   route tree with every receiver as one webhook to the test (stack.test.ts);
//   /bin/alertmanager drops --enable-feature (receiver names in metrics, 0.26+).
// - node_exporter 1.5, blackbox_exporter 0.23, pushgateway 1.5, nginx 1.22 (the
//   unprivileged image's uid 101, /tmp paths and entrypoint script; SIGTERM,
//   not SIGQUIT, stops it: `docker import` takes no STOPSIGNAL), busybox 1.35
//   (Debian's busybox-static lacks `find -delete` and its ash runs its own
//   applets first, so the loader image's sh is dash and its find GNU find).
// - No Loki, Grafana, Promtail, Alloy image can be built here, nor the operator's
//   own (camera hub, edge agent, connectors): their names run standin.py, which
//   reads the synthesized config as the image's user, writes its data directory,
//   and answers the endpoints the other services use (readiness, /metrics, Loki's
//   push). Those containers are checked for everything but the service itself:
//   loader, mounts, user, capabilities, networks, healthcheck wiring.
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, copyFileSync, createReadStream, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { IMAGES } from "../../../versions";
import type { DockerApi } from "./api";

const run = (cmd: string, args: string[], cwd?: string) => execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

const BASE = ["libc6", "busybox-static"];
const PROMETHEUS_USER = { uid: 65534, gid: 65534 };
const PYTHON = [
  "python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib", "libexpat1", "zlib1g", "libssl3", "libffi8",
  "libbz2-1.0", "liblzma5", "libuuid1", "libcrypt1", "media-types", "bash", "libtinfo6",
];

/** A root filesystem: the packages it unpacks and how it is laid out afterwards. */
interface Rootfs {
  readonly packages: readonly string[];
  readonly layout: (root: string) => void;
}

/** An image: which root filesystem, and the Dockerfile-like settings of the official one. */
interface ImageSpec {
  readonly rootfs: string;
  readonly changes: readonly string[];
}

const json = (v: unknown) => JSON.stringify(v);

function write(root: string, path: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  chmodSync(join(root, path), mode);
}

function dir(root: string, path: string, owner = { uid: 0, gid: 0 }, mode = 0o755): void {
  mkdirSync(join(root, path), { recursive: true });
  chownSync(join(root, path), owner.uid, owner.gid);
  chmodSync(join(root, path), mode);
}

function link(root: string, path: string, target: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  rmSync(join(root, path), { force: true });
  symlinkSync(target, join(root, path));
}

/** Users and groups of every stand-in (the official images' uids). */
function accounts(root: string, extra: readonly string[] = [], extraGroups: readonly string[] = []): void {
  write(root, "etc/passwd", ["root:x:0:0:root:/root:/bin/sh", ...extra, "nobody:x:65534:65534:nobody:/home:/bin/false", ""].join("\n"));
  write(root, "etc/group", ["root:x:0:", ...extraGroups, "nobody:x:65534:", "nogroup:x:65534:", ""].join("\n"));
}

/** libc, busybox and its applets on /bin (unless a package put a real program there), /tmp, accounts. */
function baseLayout(root: string): void {
  const applets = run(join(root, "bin", "busybox"), ["--list"]).split("\n").filter(Boolean);
  for (const applet of applets)
    if (!existsSync(join(root, "bin", applet)) && !existsSync(join(root, "usr", "bin", applet)) && !existsSync(join(root, "usr", "sbin", applet))) link(root, `bin/${applet}`, "busybox");
  dir(root, "tmp", undefined, 0o1777);
  for (const d of ["etc", "root", "home", "proc", "sys", "dev", "run", "var/run"]) mkdirSync(join(root, d), { recursive: true });
  write(root, "etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\nservices: files\n");
  // Docker bind-mounts these at run time; the files must exist for a read-only root.
  for (const f of ["etc/hosts", "etc/resolv.conf", "etc/hostname"]) write(root, f, "");
  accounts(root);
}

const STANDIN_SCRIPT = join(__dirname, "standin.py");

const ROOTFS: Record<string, Rootfs> = {
  prometheus: {
    packages: [...BASE, "prometheus"],
    layout: (root) => {
      // Debian 2.42 takes --enable-feature=agent where 3.x takes --agent.
      write(
        root,
        "bin/prometheus",
        '#!/bin/sh\n# Stand-in for prom/prometheus 3.x: Debian\'s 2.42 spells --agent as --enable-feature=agent.\nfor a do shift; [ "$a" = --agent ] && a=--enable-feature=agent; set -- "$@" "$a"; done\nexec /usr/bin/prometheus "$@"\n',
        0o755,
      );
      link(root, "bin/promtool", "/usr/bin/promtool");
      dir(root, "prometheus", PROMETHEUS_USER);
      copyFileSync(join(root, "etc/prometheus/prometheus.yml"), join(root, "etc/prometheus/prometheus.yml.dist"));
    },
  },
  alertmanager: {
    // tzdata: time_intervals name a location (Europe/Oslo).
    packages: [...BASE, "prometheus-alertmanager", "tzdata"],
    layout: (root) => {
      // 0.25 has no feature flags: receiver names in its metrics came with 0.26.
      write(
        root,
        "bin/alertmanager",
        '#!/bin/sh\n# Stand-in for prom/alertmanager 0.34: Debian\'s 0.25 knows no --enable-feature.\nfor a do shift; case "$a" in --enable-feature=*) continue;; esac; set -- "$@" "$a"; done\nexec /usr/bin/prometheus-alertmanager "$@"\n',
        0o755,
      );
      link(root, "bin/amtool", "/usr/bin/amtool");
      dir(root, "alertmanager", PROMETHEUS_USER);
      mkdirSync(join(root, "etc/alertmanager"), { recursive: true });
      copyFileSync(join(root, "etc/prometheus/alertmanager.yml"), join(root, "etc/alertmanager/alertmanager.yml"));
    },
  },
  pushgateway: {
    packages: [...BASE, "prometheus-pushgateway"],
    layout: (root) => {
      link(root, "bin/pushgateway", "/usr/bin/prometheus-pushgateway");
      dir(root, "pushgateway", PROMETHEUS_USER);
    },
  },
  "node-exporter": {
    packages: [...BASE, "prometheus-node-exporter"],
    layout: (root) => link(root, "bin/node_exporter", "/usr/bin/prometheus-node-exporter"),
  },
  "blackbox-exporter": {
    packages: [...BASE, "prometheus-blackbox-exporter"],
    layout: (root) => {
      link(root, "bin/blackbox_exporter", "/usr/bin/prometheus-blackbox-exporter");
      mkdirSync(join(root, "etc/blackbox_exporter"), { recursive: true });
      copyFileSync(join(root, "etc/prometheus/blackbox.yml"), join(root, "etc/blackbox_exporter/config.yml"));
    },
  },
  busybox: {
    // Debian's busybox-static has no `find -delete`, and its ash prefers its own
    // applets over PATH: the loader's sh is dash, its find GNU find, the rest busybox.
    packages: [...BASE, "dash", "findutils", "libselinux1", "libpcre2-8-0"],
    layout: (root) => link(root, "bin/sh", "dash"),
  },
  nginx: {
    packages: [...BASE, "nginx", "nginx-common", "libcrypt1", "libpcre2-8-0", "libssl3", "zlib1g", "bash", "libtinfo6"],
    layout: (root) => {
      accounts(root, ["nginx:x:101:101:nginx user:/nonexistent:/bin/false"], ["nginx:x:101:"]);
      dir(root, "var/cache/nginx", { uid: 101, gid: 0 }, 0o775);
      link(root, "var/log/nginx/access.log", "/dev/stdout");
      link(root, "var/log/nginx/error.log", "/dev/stderr");
      // nginx-unprivileged's main config: pid and temp paths under /tmp.
      write(
        root,
        "etc/nginx/nginx.conf",
        [
          "worker_processes auto;",
          "error_log /var/log/nginx/error.log notice;",
          "pid /tmp/nginx.pid;",
          "events { worker_connections 1024; }",
          "http {",
          "  client_body_temp_path /tmp/client_temp;",
          "  proxy_temp_path /tmp/proxy_temp_path;",
          "  fastcgi_temp_path /tmp/fastcgi_temp;",
          "  uwsgi_temp_path /tmp/uwsgi_temp;",
          "  scgi_temp_path /tmp/scgi_temp;",
          "  access_log /var/log/nginx/access.log;",
          "  server { listen 8080; location / { return 200; } }",
          "}",
          "",
        ].join("\n"),
      );
      // The official entrypoint's shape: run /docker-entrypoint.d/*.sh for `nginx ...`, then exec the command.
      write(
        root,
        "docker-entrypoint.sh",
        [
          "#!/bin/sh",
          "set -e",
          'if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then',
          '  if find "/docker-entrypoint.d/" -mindepth 1 -maxdepth 1 -type f -print -quit 2>/dev/null | read v; then',
          '    echo "$0: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"',
          '    for f in $(find /docker-entrypoint.d/ -type f -name "*.sh" | sort); do [ -x "$f" ] && "$f"; done',
          '    echo "$0: Configuration complete; ready for start up"',
          "  fi",
          "fi",
          'exec "$@"',
          "",
        ].join("\n"),
        0o755,
      );
      write(root, "docker-entrypoint.d/20-envsubst-on-templates.sh", '#!/bin/sh\n[ -d /etc/nginx/templates ] || exit 0\necho "templates are not supported by this stand-in" >&2\n', 0o755);
    },
  },
  standin: {
    packages: [...BASE, ...PYTHON, "tzdata"],
    layout: (root) => {
      link(root, "usr/bin/python3", "python3.11");
      accounts(root, ["grafana:x:472:0::/home/grafana:/sbin/nologin", "alloy:x:473:473::/var/lib/alloy:/sbin/nologin", "loki:x:10001:10001::/loki:/sbin/nologin"], ["alloy:x:473:", "loki:x:10001:"]);
      mkdirSync(join(root, "opt/standin"), { recursive: true });
      copyFileSync(STANDIN_SCRIPT, join(root, "opt/standin/standin.py"));
      const wrapper = (role: string) => `#!/bin/sh\nexec /usr/bin/python3 /opt/standin/standin.py ${role} "$@"\n`;
      // Loki (distroless, uid 10001): /usr/bin/loki, /loki owned by loki.
      write(root, "usr/bin/loki", wrapper("loki"), 0o755);
      dir(root, "loki", { uid: 10001, gid: 10001 });
      write(root, "etc/loki/local-config.yaml", "auth_enabled: false\nserver:\n  http_listen_port: 3100\n");
      // Grafana (uid 472, group root): /run.sh, /var/lib/grafana.
      write(root, "run.sh", wrapper("grafana"), 0o755);
      dir(root, "usr/share/grafana");
      dir(root, "var/lib/grafana", { uid: 472, gid: 0 }, 0o775);
      dir(root, "var/log/grafana", { uid: 472, gid: 0 }, 0o775);
      dir(root, "etc/grafana/provisioning");
      write(root, "etc/grafana/grafana.ini", "[server]\nhttp_port = 3000\n");
      // Promtail (root): /usr/bin/promtail. Alloy: /bin/alloy, data owned by its unused user.
      write(root, "usr/bin/promtail", wrapper("promtail"), 0o755);
      write(root, "etc/promtail/config.yml", "server:\n  http_listen_port: 9080\n");
      write(root, "bin/alloy", wrapper("alloy"), 0o755);
      dir(root, "var/lib/alloy/data", { uid: 473, gid: 473 }, 0o770);
      dir(root, "var/log/edge-agent");
    },
  },
};

const PROM_CHANGES = (binary: string, extra: string[] = []) => [`ENTRYPOINT ${json([binary])}`, ...extra];

/** Every image the stacks pin (versions.ts) or the inventory names, as a stand-in. */
export function imageSpecs(operatorImages: { cameraHub: string; edgeAgent: readonly string[]; connectors: readonly string[] }): Map<string, ImageSpec> {
  const standin = (role: string, changes: string[] = []): ImageSpec => ({ rootfs: "standin", changes: [`ENTRYPOINT ${json(["/usr/bin/python3", "/opt/standin/standin.py", role])}`, ...changes] });
  const specs = new Map<string, ImageSpec>([
    [IMAGES.prometheus, { rootfs: "prometheus", changes: PROM_CHANGES("/bin/prometheus", ["USER nobody", "WORKDIR /prometheus", "EXPOSE 9090", 'VOLUME ["/prometheus"]', `CMD ${json(["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"])}`]) }],
    [IMAGES.alertmanager, { rootfs: "alertmanager", changes: PROM_CHANGES("/bin/alertmanager", ["USER nobody", "WORKDIR /alertmanager", "EXPOSE 9093", 'VOLUME ["/alertmanager"]', `CMD ${json(["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"])}`]) }],
    [IMAGES.pushgateway, { rootfs: "pushgateway", changes: PROM_CHANGES("/bin/pushgateway", ["USER 65534", "WORKDIR /pushgateway", "EXPOSE 9091"]) }],
    [IMAGES.nodeExporter, { rootfs: "node-exporter", changes: PROM_CHANGES("/bin/node_exporter", ["USER nobody", "EXPOSE 9100"]) }],
    [IMAGES.blackboxExporter, { rootfs: "blackbox-exporter", changes: PROM_CHANGES("/bin/blackbox_exporter", ["EXPOSE 9115", `CMD ${json(["--config.file=/etc/blackbox_exporter/config.yml"])}`]) }],
    [IMAGES.configLoader, { rootfs: "busybox", changes: ['CMD ["sh"]'] }],
    [IMAGES.nginxUnprivileged, { rootfs: "nginx", changes: ['ENTRYPOINT ["/docker-entrypoint.sh"]', 'CMD ["nginx", "-g", "daemon off;"]', "USER 101", "EXPOSE 8080"] }],
    [IMAGES.loki, { rootfs: "standin", changes: ['ENTRYPOINT ["/usr/bin/loki"]', 'CMD ["-config.file=/etc/loki/local-config.yaml"]', "USER 10001", "EXPOSE 3100"] }],
    [
      IMAGES.grafana,
      {
        rootfs: "standin",
        changes: [
          'ENTRYPOINT ["/run.sh"]',
          "USER 472",
          "WORKDIR /usr/share/grafana",
          "EXPOSE 3000",
          "ENV GF_PATHS_CONFIG=/etc/grafana/grafana.ini GF_PATHS_DATA=/var/lib/grafana GF_PATHS_HOME=/usr/share/grafana GF_PATHS_LOGS=/var/log/grafana GF_PATHS_PLUGINS=/var/lib/grafana/plugins GF_PATHS_PROVISIONING=/etc/grafana/provisioning",
        ],
      },
    ],
    [IMAGES.promtail, { rootfs: "standin", changes: ['ENTRYPOINT ["/usr/bin/promtail"]', 'CMD ["-config.file=/etc/promtail/config.yml"]'] }],
    [IMAGES.alloy, { rootfs: "standin", changes: ['ENTRYPOINT ["/bin/alloy"]', 'CMD ["run", "/etc/alloy/config.alloy", "--storage.path=/var/lib/alloy/data"]'] }],
    // cAdvisor's image runs its entrypoint with the command as flags.
    [IMAGES.cadvisor, standin("cadvisor", ["EXPOSE 8080"])],
    [operatorImages.cameraHub, standin("camera-hub")],
  ]);
  for (const image of operatorImages.edgeAgent) specs.set(image, standin("edge-agent"));
  for (const image of operatorImages.connectors) specs.set(image, standin("connector"));
  return specs;
}

/** The .deb files of `packages` (candidate versions): apt's cache where it has them, else `apt-get download` into `debDir`. */
export function fetchDebs(packages: readonly string[], debDir: string): Map<string, string> {
  mkdirSync(debDir, { recursive: true });
  const unique = [...new Set(packages)];
  let uris: string;
  try {
    uris = run("apt-get", ["download", "--print-uris", ...unique], debDir);
  } catch {
    // No package lists yet on a fresh machine.
    run("apt-get", ["update", "-qq"]);
    uris = run("apt-get", ["download", "--print-uris", ...unique], debDir);
  }
  const files = new Map<string, string>();
  const missing: string[] = [];
  for (const line of uris.split("\n")) {
    const m = /^'[^']+' (\S+\.deb) /.exec(line);
    if (!m) continue;
    const name = m[1].split("_")[0];
    const cached = join("/var/cache/apt/archives", m[1]);
    if (existsSync(cached)) files.set(name, cached);
    else {
      missing.push(name);
      files.set(name, join(debDir, m[1]));
    }
  }
  if (missing.length > 0) run("apt-get", ["download", "-qq", ...missing], debDir);
  for (const p of unique) if (!files.has(p) || !existsSync(files.get(p)!)) throw new Error(`no .deb for ${p}`);
  return files;
}

export interface BuiltImages {
  /** Image reference → tarball of its root filesystem and its settings. */
  readonly images: ReadonlyMap<string, { readonly tar: string; readonly changes: readonly string[] }>;
  /** Where each package came from (apt's cache or downloaded). */
  readonly debs: ReadonlyMap<string, string>;
}

/** Unpacks the root filesystems the `references` need and tars each once. */
export function buildImages(workDir: string, specs: ReadonlyMap<string, ImageSpec>, references: Iterable<string>): BuiltImages {
  const wanted = [...new Set(references)];
  for (const ref of wanted) if (!specs.has(ref)) throw new Error(`no stand-in image for ${ref}`);
  const rootfsNames = [...new Set(wanted.map((ref) => specs.get(ref)!.rootfs))];
  const debs = fetchDebs(rootfsNames.flatMap((r) => ROOTFS[r].packages), join(workDir, "debs"));
  const tars = new Map<string, string>();
  for (const name of rootfsNames) {
    const root = join(workDir, "rootfs", name);
    mkdirSync(root, { recursive: true });
    for (const p of ROOTFS[name].packages) run("dpkg-deb", ["-x", debs.get(p)!, root]);
    baseLayout(root);
    ROOTFS[name].layout(root);
    // What a package would have installed for the host only.
    for (const d of ["etc/init.d", "etc/default", "etc/logrotate.d", "lib/systemd", "usr/share/doc", "usr/share/man"]) rmSync(join(root, d), { recursive: true, force: true });
    const tar = join(workDir, `${name}.tar`);
    run("tar", ["--numeric-owner", "-C", root, "-cf", tar, "."]);
    tars.set(name, tar);
  }
  return { images: new Map(wanted.map((ref) => [ref, { tar: tars.get(specs.get(ref)!.rootfs)!, changes: specs.get(ref)!.changes }])), debs };
}

/** Imports the images an engine needs (each rootfs tarball streamed from disk). */
export async function importImages(api: DockerApi, built: BuiltImages, references: Iterable<string>): Promise<void> {
  for (const ref of new Set(references)) {
    const image = built.images.get(ref);
    if (!image) throw new Error(`image ${ref} was not built`);
    await api.importImage(createReadStream(image.tar), ref, image.changes);
  }
}

/** Lists a directory's .deb names, for the note on where packages came from. */
export const debOrigins = (built: BuiltImages) =>
  [...built.debs.entries()].map(([name, path]) => `${name}: ${path.startsWith("/var/cache/apt/") ? "apt cache" : "downloaded"}`).sort();

