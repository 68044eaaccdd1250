// The inventory's schema: the one place that says what a deployment may contain.
// Shape and single-field rules live in the zod types; rules that relate several
// fields (duplicates, references, stack-name collisions) live in `crossChecks`.
import { z } from "zod";

/** Lowercase letters, digits and inner hyphens: valid as a Terraform id, a Docker name and a label value. */
export const NAME_PATTERN = /^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
/** Prometheus duration syntax (units in descending order, as Prometheus requires). */
export const DURATION_PATTERN = /^(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$/;
/** Prometheus `--storage.tsdb.retention.size` syntax. */
export const SIZE_PATTERN = /^\d+(?:B|KB|MB|GB|TB|PB|EB)$/;
/** A Terraform variable name as used for secrets. */
export const VARIABLE_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

const IPV4_PATTERN = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HOSTNAME_PATTERN = /^(?=.{1,253}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

const name = (what: string) =>
  z
    .string()
    .regex(NAME_PATTERN, `${what} must be 1-32 lowercase letters, digits or inner hyphens, starting with a letter`)
    .describe(`${what}: lowercase letters, digits and inner hyphens (used in Terraform ids, container names and labels)`);

const duration = z
  .string()
  .regex(DURATION_PATTERN, "must be a Prometheus duration such as 30s, 15m, 2h or 30d")
  .refine((value) => value !== "" && !/^(?:0+[a-z]+)+$/.test(value), "must be a non-zero duration");

const address = z
  .string()
  .refine((value) => IPV4_PATTERN.test(value) || HOSTNAME_PATTERN.test(value), "must be an IPv4 address or a host name");

const port = z.number().int("must be a whole number").min(1, "must be between 1 and 65535").max(65535, "must be between 1 and 65535");

const image = z
  .string()
  .regex(
    /^[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*:[\w][\w.-]{0,127}(?:@sha256:[a-f0-9]{64})?$/,
    "must be an image reference pinned by tag, such as ghcr.io/owner/name:1.2.3 (optionally @sha256:...)",
  )
  .refine((value) => !/:latest(?:@|$)/.test(value), "must not use the floating tag 'latest'");

const variableName = z
  .string()
  .regex(VARIABLE_PATTERN, "must be a Terraform variable name: lowercase letters, digits and underscores, starting with a letter");

/** `ssh://[user@]host[:port]`, the only transport the Docker provider gets for remote hosts. */
export const dockerHost = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: "custom", message: "must be an ssh:// URL such as ssh://user@host or ssh://user@host:2222" });
    return;
  }
  if (url.protocol !== "ssh:") ctx.addIssue({ code: "custom", message: "must use the ssh:// scheme" });
  else if (!url.hostname) ctx.addIssue({ code: "custom", message: "must name a host, as in ssh://user@host" });
  else if ((url.pathname && url.pathname !== "/") || url.search || url.hash)
    ctx.addIssue({ code: "custom", message: "must not have a path, query or fragment" });
  else if (url.password) ctx.addIssue({ code: "custom", message: "must not contain a password; use an SSH key" });
});

const publish = z
  .strictObject({
    address: address.describe("host address the port is published on (127.0.0.1 keeps it local to the host)"),
    port: port.optional().describe("host port; defaults to the service's standard port"),
  })
  .describe("publish this service's port on the host");

// --- Data placement: an optional host directory per data volume --------------
// A path here makes the service's Docker volume a bind-backed one (local driver,
// type=none, o=bind, device=PATH): still a Terraform-managed volume with
// prevent_destroy, its data on the disk the operator chose. README "Day two".

/** Why `value` is not usable as a volume's host directory, or undefined when it is. */
export function hostPathProblem(value: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(value)) return "must not contain control characters";
  if (!value.startsWith("/")) return "must be an absolute path (starting with /)";
  if (value.split("/").includes("..")) return "must not contain .. segments";
  if (value === "/") return "must not be the root directory";
  if (value.endsWith("/") || value.includes("//") || value.split("/").includes(".")) return "must be written plainly: no trailing /, no // and no . segments";
  return undefined;
}

const hostPath = z
  .string()
  .superRefine((value, ctx) => {
    const problem = hostPathProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .describe("absolute host directory for this data volume (created beforehand, owned by the image's user: see README Day two)");

/** Two volumes on one directory (or one inside the other) would mix their data. */
function overlappingPaths(paths: Record<string, string | undefined>, ctx: z.RefinementCtx): void {
  const seen: [string, string][] = [];
  for (const [key, path] of Object.entries(paths)) {
    if (path === undefined || hostPathProblem(path)) continue;
    for (const [otherKey, other] of seen) {
      if (path === other) ctx.addIssue({ code: "custom", path: [key], message: `is also the directory of ${otherKey}: two volumes on one path would mix their data` });
      else if (path.startsWith(`${other}/`) || other.startsWith(`${path}/`))
        ctx.addIssue({ code: "custom", path: [key], message: `overlaps ${otherKey} (${other}): one volume's data would appear inside the other's` });
    }
    seen.push([key, path]);
  }
}

export const HUB_DATA_VOLUMES = ["prometheus", "alertmanager", "loki", "grafana", "pushgateway"] as const;

const hubStorage = z
  .strictObject(Object.fromEntries(HUB_DATA_VOLUMES.map((volume) => [volume, hostPath.optional()])) as Record<(typeof HUB_DATA_VOLUMES)[number], z.ZodOptional<typeof hostPath>>)
  .superRefine((storage, ctx) => overlappingPaths(storage, ctx))
  .prefault({})
  .describe("host directories for the hub's data volumes; a volume not listed stays a Docker named volume");

const nodeStorage = z
  .strictObject({ agentWal: hostPath.optional().describe("host directory of the Prometheus agent's WAL (push sites only)") })
  .prefault({})
  .describe("host directories for the node's data volumes; a volume not listed stays a Docker named volume");

export const PUBLISHABLE_HUB_SERVICES = ["prometheus", "alertmanager", "loki", "grafana", "pushgateway", "nodeExporter", "cameraHub"] as const;
export type HubServiceName = (typeof PUBLISHABLE_HUB_SERVICES)[number];

const hub = z.strictObject({
  dockerHost: dockerHost.describe("Docker host of the hub, as ssh://user@host[:port]"),
  address: address.describe("address edge nodes and the LAN reach the hub at"),
  retention: z
    .strictObject({
      metrics: duration.default("30d").describe("Prometheus retention time"),
      metricsSize: z
        .string()
        .regex(SIZE_PATTERN, "must be a size such as 512MB or 40GB")
        .default("40GB")
        .describe("Prometheus retention size"),
      logs: duration
        .refine((value) => /^(?:\d+[dw])+$/.test(value), "must be whole days (d or w) because Loki's index period is 24h")
        .default("31d")
        .describe("Loki retention"),
    })
    .prefault({}),
  publish: z
    .strictObject(Object.fromEntries(PUBLISHABLE_HUB_SERVICES.map((service) => [service, publish.optional()])) as Record<HubServiceName, z.ZodOptional<typeof publish>>)
    .prefault({})
    .describe("host ports the hub publishes; a service not listed is reachable only on the hub's Docker network"),
  cameraHub: z.strictObject({
    image: image.describe("the operator's tapo-camera-mcp image"),
  }),
  logAgent: z.enum(["promtail", "alloy"]).default("promtail").describe("log shipper for the hub's own containers (connectors, camera hub, the stack)"),
  storage: hubStorage,
});

const camera = z
  .strictObject({
    name: name("camera name"),
    address: address.describe("camera address as the edge node reaches it"),
    probe: z.enum(["icmp", "tcp", "http"]).describe("how blackbox_exporter checks the camera"),
    port: port.optional().describe("TCP or HTTP port; defaults to 554 (RTSP) for tcp and 80 for http"),
    path: z.string().startsWith("/", "must start with /").optional().describe("HTTP path for http probes; defaults to /"),
  })
  .superRefine((cam, ctx) => {
    if (cam.probe === "icmp" && cam.port !== undefined)
      ctx.addIssue({ code: "custom", path: ["port"], message: "is only used by tcp and http probes" });
    if (cam.probe !== "http" && cam.path !== undefined)
      ctx.addIssue({ code: "custom", path: ["path"], message: "is only used by http probes" });
  });

const sensor = z.strictObject({
  name: name("sensor name"),
  kind: z.string().regex(/^[a-z][a-z0-9_]*$/, "must be lowercase letters, digits and underscores").describe("what it measures, e.g. temperature"),
  staleAfter: duration.default("15m").describe("age of the last update after which the sensor counts as stale"),
});

const node = z.strictObject({
  name: name("node name"),
  dockerHost: dockerHost.describe("Docker host of the node, as ssh://user@host[:port]"),
  address: address.describe("address the hub (pull) or LAN reaches the node at"),
  logAgent: z.enum(["promtail", "alloy"]).default("promtail").describe("log shipper on this node"),
  edgeAgentImage: image.optional().describe("overrides edgeAgent.image for this node"),
  cameras: z.array(camera).default([]),
  sensors: z.array(sensor).default([]),
  storage: nodeStorage,
});

const WEEKDAY = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
const clock = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, "must be a time of day as HH:MM");

const maintenanceWindow = z
  .strictObject({
    weekdays: z
      .array(z.string().regex(new RegExp(`^${WEEKDAY}(?::${WEEKDAY})?$`), "must be a weekday or a range such as monday:friday"))
      .optional()
      .describe("days the window applies to; every day when left out"),
    start: clock.describe("start time of day, HH:MM"),
    end: clock.describe("end time of day, HH:MM (after start)"),
    location: z
      .string()
      .refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin")
      .default("UTC")
      .describe("time zone of start and end"),
  })
  .superRefine((w, ctx) => {
    if (w.start >= w.end) ctx.addIssue({ code: "custom", path: ["end"], message: `must be after start (${w.start})` });
  })
  .describe("a recurring window in which the site's notifications are muted (Alertmanager time_intervals)");

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const site = z.strictObject({
  name: name("site name").refine((value) => value !== "hub", "is reserved for the hub's own services"),
  mode: z.enum(["pull", "push"]).describe("pull: the hub scrapes the nodes; push: nodes run Prometheus in agent mode and remote-write to the hub"),
  nodes: z.array(node).min(1, "a site needs at least one node"),
  maintenance: z.array(maintenanceWindow).default([]).describe("recurring maintenance windows that mute the site's notifications"),
  tls: z
    .boolean()
    .default(true)
    .describe("serve the site's exporters over TLS (default); false is for a lab: credentials then cross its network in clear text and synth warns"),
}).superRefine((site, ctx) => {
  // Only push sites run the Prometheus agent: a WAL directory elsewhere would be silently unused.
  if (site.mode !== "push")
    site.nodes.forEach((node, i) => {
      if (node.storage?.agentWal !== undefined) ctx.addIssue({ code: "custom", path: ["nodes", i, "storage", "agentWal"], message: "is only used on push sites (pull nodes run no Prometheus agent)" });
    });
});

/** Container names the hub already uses; a connector runs beside them. */
const HUB_CONTAINERS = ["prometheus", "alertmanager", "loki", "grafana", "pushgateway", "node-exporter", "tapo-camera-mcp", "promtail", "alloy"];

const connector = z
  .strictObject({
    name: name("connector name").refine((value) => !HUB_CONTAINERS.includes(value), `must not be one of the hub's own containers (${HUB_CONTAINERS.join(", ")})`),
    image: image.describe("the connector's image, run on the hub"),
    metrics: z.enum(["scrape", "push", "none"]).describe("scrape: the hub scrapes its /metrics; push: it pushes to the pushgateway"),
    port: port.optional().describe("port its /metrics listens on inside the hub network (required for scrape)"),
    staleAfter: duration.default("15m").describe("for push: age of the last push after which the connector counts as stale"),
  })
  .superRefine((conn, ctx) => {
    if (conn.metrics === "scrape" && conn.port === undefined)
      ctx.addIssue({ code: "custom", path: ["port"], message: "is required when metrics is scrape" });
  });

const receiver = z.discriminatedUnion("type", [
  z.strictObject({
    name: name("receiver name"),
    type: z.literal("webhook"),
    urlVariable: variableName.describe("sensitive Terraform variable holding the webhook URL"),
  }),
  z.strictObject({
    name: name("receiver name"),
    type: z.literal("email"),
    to: z.email("must be an email address"),
    from: z.email("must be an email address"),
    smarthost: z.string().regex(/^[a-zA-Z0-9.-]+:\d{1,5}$/, "must be host:port"),
    username: z.string().min(1),
    passwordVariable: variableName.describe("sensitive Terraform variable holding the SMTP password"),
  }),
  z.strictObject({
    name: name("receiver name"),
    type: z.literal("pushover"),
    userKeyVariable: variableName,
    tokenVariable: variableName,
  }),
  z.strictObject({
    name: name("receiver name"),
    type: z.literal("msteams"),
    urlVariable: variableName.describe("sensitive Terraform variable holding the Teams incoming-webhook URL"),
  }),
]);

const alerting = z.strictObject({
  receivers: z.array(receiver).min(1, "at least one receiver is needed"),
  routes: z
    .strictObject({
      critical: z.array(z.string()).min(1, "critical alerts need at least one receiver"),
      warning: z.array(z.string()).default([]),
      info: z.array(z.string()).default([]),
    })
    .describe("receivers per severity, by name"),
  heartbeat: z.string().optional().describe("receiver the always-firing Watchdog alert goes to (a dead man's switch)"),
  runbookUrl: z
    .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
    .describe("where RUNBOOK.md is published; every alert's runbook_url links to its section there"),
});

const inventoryShape = z.strictObject({
  hub,
  edgeAgent: z.strictObject({ image: image.describe("the operator's edge agent image") }),
  sites: z.array(site).min(1, "at least one site is needed"),
  connectors: z.array(connector).default([]),
  alerting,
});

export const inventorySchema = inventoryShape
  .superRefine((inv, ctx) => crossChecks(inv, ctx), { when: () => true })
  .describe("Observability inventory for a home camera and sensor deployment");

export type Inventory = z.output<typeof inventoryShape>;
export type Site = Inventory["sites"][number];
export type EdgeNode = Site["nodes"][number];
export type Camera = EdgeNode["cameras"][number];
export type Receiver = Inventory["alerting"]["receivers"][number];

type Issue = { path: (string | number)[]; message: string };
type Named = { name?: unknown };

const list = (value: unknown): Named[] => (Array.isArray(value) ? value.filter((v) => typeof v === "object" && v !== null) : []);
const nameOf = (item: Named): string | undefined => (typeof item.name === "string" ? item.name : undefined);

/**
 * Rules that look at several fields at once. They run even when single fields are
 * invalid (so every problem is reported in one pass), hence the defensive reads.
 */
function crossChecks(inv: Record<string, unknown>, ctx: z.RefinementCtx) {
  const issues: Issue[] = [];
  const duplicates = (items: Named[], path: (string | number)[], what: string, scope = "") => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const itemName = nameOf(item);
      if (itemName === undefined) return;
      const first = seen.get(itemName);
      if (first !== undefined) issues.push({ path: [...path, i, "name"], message: `duplicate ${what} name${scope} (first used at index ${first})` });
      else seen.set(itemName, i);
    });
  };

  const sites = list(inv.sites);
  duplicates(sites, ["sites"], "site");
  const stackNames = new Map<string, string>();
  const cameraOwner = new Map<string, string>();
  const sensorOwner = new Map<string, string>();
  sites.forEach((site, si) => {
    const nodes = list((site as { nodes?: unknown }).nodes);
    duplicates(nodes, ["sites", si, "nodes"], "node", ` in site ${nameOf(site)}`);
    nodes.forEach((node, ni) => {
      const where = `site ${nameOf(site)} node ${nameOf(node)}`;
      // The camera hub knows cameras by name alone, and sensor alerts select by
      // sensor name: both are unique across the whole inventory.
      for (const [kind, owners] of [["cameras", cameraOwner], ["sensors", sensorOwner]] as const) {
        list((node as Record<string, unknown>)[kind]).forEach((item, i) => {
          const itemName = nameOf(item);
          if (itemName === undefined) return;
          const owner = owners.get(itemName);
          if (owner !== undefined) issues.push({ path: ["sites", si, "nodes", ni, kind, i, "name"], message: `duplicate ${kind.slice(0, -1)} name (also on ${owner})` });
          else owners.set(itemName, where);
        });
      }
      // "edge-a-b-c" is site a-b/node c or site a/node b-c: stack names must not collide.
      const stack = `edge-${nameOf(site)}-${nameOf(node)}`;
      const other = stackNames.get(stack);
      if (other !== undefined) issues.push({ path: ["sites", si, "nodes", ni, "name"], message: `gives stack name ${stack}, already used by ${other}` });
      else if (nameOf(site) !== undefined && nameOf(node) !== undefined) stackNames.set(stack, `site ${nameOf(site)} node ${nameOf(node)}`);
    });
  });
  duplicates(list(inv.connectors), ["connectors"], "connector");

  // Edge nodes push logs (all sites) and metrics (push sites) to the hub's published ports.
  const hubConfig = (typeof inv.hub === "object" && inv.hub !== null ? inv.hub : {}) as Record<string, unknown>;
  const published = (typeof hubConfig.publish === "object" && hubConfig.publish !== null ? hubConfig.publish : {}) as Record<string, { address?: unknown } | undefined>;
  const requirePublished = (service: string, why: string) => {
    const binding = published[service];
    if (binding === undefined) issues.push({ path: ["hub", "publish"], message: `must publish ${service}: ${why}` });
    else if (typeof binding.address === "string" && /^127\./.test(binding.address))
      issues.push({ path: ["hub", "publish", service, "address"], message: `must not be a loopback address: ${why}` });
  };
  requirePublished("grafana", "the grafana stack configures it through its API");
  if (sites.length > 0) requirePublished("loki", "edge nodes ship their logs to it");
  if (sites.some((site) => (site as { mode?: unknown }).mode === "push")) requirePublished("prometheus", "push sites remote-write to it");

  const alertingConfig = (typeof inv.alerting === "object" && inv.alerting !== null ? inv.alerting : {}) as Record<string, unknown>;
  const receivers = list(alertingConfig.receivers);
  duplicates(receivers, ["alerting", "receivers"], "receiver");
  const defined = new Set(receivers.map(nameOf));
  const routes = (typeof alertingConfig.routes === "object" && alertingConfig.routes !== null ? alertingConfig.routes : {}) as Record<string, unknown>;
  for (const severity of ["critical", "warning", "info"]) {
    const refs = routes[severity];
    if (!Array.isArray(refs)) continue;
    refs.forEach((ref, i) => {
      if (typeof ref === "string" && !defined.has(ref))
        issues.push({ path: ["alerting", "routes", severity, i], message: "names a receiver that is not defined in alerting.receivers" });
    });
  }
  const heartbeat = alertingConfig.heartbeat;
  if (typeof heartbeat === "string" && !defined.has(heartbeat))
    issues.push({ path: ["alerting", "heartbeat"], message: "names a receiver that is not defined in alerting.receivers" });

  for (const issue of issues) ctx.addIssue({ code: "custom", ...issue });
}
