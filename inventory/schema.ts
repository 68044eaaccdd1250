// The inventory's schema: the one place that says what a deployment may contain.
// Shape and single-field rules live in the zod types; rules that relate several
// fields (duplicates, references, stack-name collisions, port and host conflicts)
// live in `crossChecks`. Rules every string obeys (no control characters, no
// template syntax) are in text-rules.ts. Value rules come from the library
// (constructs/value-types.ts), so the inventory and the constructs agree.
import { z } from "zod";
import { PORTS } from "../constructs/ports";
import {
  ADDRESS_RULE,
  BIND_ADDRESS_RULE,
  DURATION_PATTERN,
  DURATION_RULE,
  durationMs,
  IMAGE_PATTERN,
  IMAGE_RULE,
  IPV4_RULE,
  isLatestTag,
  isAddress,
  isBindAddress,
  hostPathProblem,
  isDurationSyntax,
  isIpv4,
  isSize,
  looksLikeIpv4,
  NAME_PATTERN,
  NAME_RULE,
  PORT_RULE,
  SIZE_PATTERN,
  SIZE_RULE,
  TERRAFORM_RESERVED_NAMES,
  TERRAFORM_VARIABLE_NAME_RULE,
} from "../constructs/value-types";

const name = (what: string) =>
  z
    .string()
    .regex(NAME_PATTERN, `${what} ${NAME_RULE}`)
    .describe(`${what}: lowercase letters, digits and inner hyphens (used in Terraform ids, container names and labels)`);

// Pattern first (it also goes into the JSON Schema for editors), then the range Prometheus can hold.
const duration = z
  .string()
  .regex(DURATION_PATTERN, DURATION_RULE)
  .superRefine((value, ctx) => {
    if (value === "") ctx.addIssue({ code: "custom", message: DURATION_RULE });
    if (!isDurationSyntax(value)) return;
    const ms = durationMs(value);
    if (ms === undefined) ctx.addIssue({ code: "custom", message: "is beyond Prometheus's range of durations (at most 292y)" });
    else if (ms === 0n) ctx.addIssue({ code: "custom", message: "must be a non-zero duration" });
  });

const address = z.string().superRefine((value, ctx) => {
  if (!isAddress(value)) ctx.addIssue({ code: "custom", message: looksLikeIpv4(value) ? IPV4_RULE : ADDRESS_RULE });
});

const bindAddress = z.string().superRefine((value, ctx) => {
  if (!isBindAddress(value)) ctx.addIssue({ code: "custom", message: looksLikeIpv4(value) ? IPV4_RULE : BIND_ADDRESS_RULE });
});

const port = z.number().int(PORT_RULE).min(1, PORT_RULE).max(65535, PORT_RULE);

const image = z
  .string()
  .regex(IMAGE_PATTERN, IMAGE_RULE)
  .refine((value) => !isLatestTag(value), "must not use the floating tag 'latest'");

const variableName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, TERRAFORM_VARIABLE_NAME_RULE)
  .refine((value) => !TERRAFORM_RESERVED_NAMES.includes(value), `is a name Terraform reserves (${TERRAFORM_RESERVED_NAMES.join(", ")}): choose another variable name`);

const SSH_USER = /^[a-z_][a-z0-9_.-]{0,31}$/;

/** `ssh://[user@]host[:port]`, the only transport the Docker provider gets for remote hosts. */
export const dockerHost = z.string().superRefine((value, ctx) => {
  const problem = dockerHostProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Parsed by hand, so each part gets its own message (a bad port is not "not a URL"). */
function dockerHostProblem(value: string): string | undefined {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(?:([^@/?#]*)@)?([^:/?#@]*)(?::([^/?#]*))?(.*)$/.exec(value);
  if (!match) return "must be an ssh:// URL such as ssh://user@host or ssh://user@host:2222";
  const [, scheme, userinfo, host, portText, rest] = match;
  if (scheme !== "ssh") return "must use the ssh:// scheme, as in ssh://user@host";
  if (userinfo?.includes(":")) return "must not contain a password; use an SSH key";
  if (userinfo !== undefined && !SSH_USER.test(userinfo)) return "user must be 1-32 lowercase letters, digits, '_', '.' or '-', starting with a letter or '_'";
  if (!host) return "must name a host, as in ssh://user@host";
  if (!isAddress(host)) return `host ${looksLikeIpv4(host) ? IPV4_RULE : ADDRESS_RULE}`;
  if (portText !== undefined && !(/^\d{1,5}$/.test(portText) && Number(portText) >= 1 && Number(portText) <= 65535)) return `port ${PORT_RULE}`;
  if (rest !== "" && rest !== "/") return "must not have a path, query or fragment";
  return undefined;
}

/** The Docker engine a dockerHost reaches: host and port (the user does not make another engine). */
export function dockerEngineOf(value: string): string | undefined {
  const match = /^ssh:\/\/(?:[^@/]*@)?([^:/]+)(?::(\d+))?\/?$/.exec(value);
  return match ? `${match[1].toLowerCase()}:${match[2] ?? "22"}` : undefined;
}

const publish = z
  .strictObject({
    address: bindAddress.describe("IPv4 address of the host the port is published on (127.0.0.1 keeps it local to the host, 0.0.0.0 binds every interface)"),
    port: port.optional().describe("host port; defaults to the service's standard port"),
  })
  .describe("publish this service's port on the host");

// ---------------------------------------------------------------------------
// Beyond one hub (issue 14): remote write, Alertmanager replicas, Loki storage.
// Self-contained blocks on the helpers above.

/** Template syntax that Terraform, Alertmanager or Grafana would expand. */
const TEMPLATE_SYNTAX = /\$\{|%\{|\{\{/;
// eslint-disable-next-line no-control-regex
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;

/** An http(s) URL without credentials, whitespace, control characters or template syntax. */
const httpUrl = z.string().superRefine((value, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: "custom", message });
  if (WHITESPACE_OR_CONTROL.test(value)) return fail("must not contain whitespace or control characters");
  if (TEMPLATE_SYNTAX.test(value)) return fail("must not contain template syntax (${, %{ or {{)");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail("must be an http:// or https:// URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return fail("must use the http:// or https:// scheme");
  if (!url.hostname) return fail("must name a host");
  if (url.username || url.password) return fail("must not contain credentials; name a sensitive variable in auth instead");
  if (url.hash) return fail("must not have a fragment");
});

const PROMETHEUS_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels every sample carries on the hub, and therefore in the long-term store. */
export const LOCATION_LABELS = ["site", "node", "service"] as const;

const compilesAsRegex = (value: string) => {
  try {
    new RegExp(`^(?:${value})$`);
    return true;
  } catch {
    return false;
  }
};

const writeRelabel = z
  .strictObject({
    action: z.enum(["keep", "drop", "labeldrop", "labelkeep"]).describe("keep/drop: series whose source labels match; labeldrop/labelkeep: label names that match"),
    sourceLabels: z
      .array(z.string().regex(PROMETHEUS_LABEL, "must be a Prometheus label name"))
      .min(1)
      .optional()
      .describe("for keep and drop: labels joined with ';' and matched; defaults to [__name__]"),
    regex: z.string().min(1).refine(compilesAsRegex, "must be a valid regular expression (RE2, fully anchored)").describe("fully anchored regular expression"),
  })
  .superRefine((rule, ctx) => {
    const anchored = new RegExp(`^(?:${compilesAsRegex(rule.regex) ? rule.regex : "(?!)"})$`);
    if ((rule.action === "labeldrop" || rule.action === "labelkeep") && rule.sourceLabels !== undefined)
      ctx.addIssue({ code: "custom", path: ["sourceLabels"], message: `is not used by ${rule.action} (its regex matches label names)` });
    const lost = LOCATION_LABELS.filter((label) => (rule.action === "labeldrop" ? anchored.test(label) : rule.action === "labelkeep" ? !anchored.test(label) : false));
    if (lost.length > 0) ctx.addIssue({ code: "custom", path: ["regex"], message: `would remove ${lost.join(", ")}: samples in the long-term store keep their site, node and service labels` });
  })
  .describe("one write_relabel_configs rule: what leaves the house");

/** Headers Prometheus sets itself or refuses in remote_write (`headers`). */
const RESERVED_HEADERS = ["authorization", "host", "content-encoding", "content-length", "content-type", "user-agent", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "www-authenticate", "accept-encoding", "x-prometheus-remote-write-version", "transfer-encoding", "upgrade", "te", "trailer"];

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, "must be an HTTP header name (letters, digits and hyphens)")
  .refine((value) => !RESERVED_HEADERS.includes(value.toLowerCase()), "is set by Prometheus itself (authentication goes in auth)");
const headerValue = z
  .string()
  .min(1, "must not be empty")
  .max(256, "must be at most 256 characters")
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), "must not contain control characters or line breaks")
  .refine((value) => !TEMPLATE_SYNTAX.test(value), "must not contain template syntax (${, %{ or {{)");

const remoteWriteAuth = z
  .discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("basic"),
      username: z.string().regex(/^[^\s:${}%]{1,128}$/, "must be 1-128 characters without whitespace, ':', '$', '%', '{' or '}'").describe("basic-auth user (not a secret: Prometheus 2.42 has no username file)"),
      passwordVariable: variableName.describe("sensitive Terraform variable holding the password"),
    }),
    z.strictObject({
      type: z.literal("bearer"),
      tokenVariable: variableName.describe("sensitive Terraform variable holding the bearer token"),
    }),
  ])
  .describe("how the hub authenticates to the store: secrets only by variable name");

const count = (min: number, max: number) => z.number().int("must be a whole number").min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`);

/**
 * queue_config with its documented defaults (Prometheus 3.x's own, rendered
 * explicitly so every Prometheus version behaves the same). A failed send is
 * retried with backoff for as long as the store is away; samples wait in the WAL
 * (about two hours of them), not in the queue.
 */
export const REMOTE_WRITE_QUEUE_DEFAULTS = {
  capacity: 10000,
  minShards: 1,
  maxShards: 50,
  maxSamplesPerSend: 2000,
  batchSendDeadline: "5s",
  minBackoff: "30ms",
  maxBackoff: "5s",
  retryOnRateLimit: true,
} as const;

const queue = z
  .strictObject({
    capacity: count(1, 1_000_000).default(REMOTE_WRITE_QUEUE_DEFAULTS.capacity).describe("samples buffered per shard (default 10000)"),
    minShards: count(1, 1000).default(REMOTE_WRITE_QUEUE_DEFAULTS.minShards).describe("parallel senders at start (default 1)"),
    maxShards: count(1, 1000).default(REMOTE_WRITE_QUEUE_DEFAULTS.maxShards).describe("most parallel senders (default 50)"),
    maxSamplesPerSend: count(1, 100_000).default(REMOTE_WRITE_QUEUE_DEFAULTS.maxSamplesPerSend).describe("samples per request (default 2000)"),
    batchSendDeadline: duration.default(REMOTE_WRITE_QUEUE_DEFAULTS.batchSendDeadline).describe("longest a sample waits for a full batch (default 5s)"),
    minBackoff: duration.default(REMOTE_WRITE_QUEUE_DEFAULTS.minBackoff).describe("first retry delay (default 30ms)"),
    maxBackoff: duration.default(REMOTE_WRITE_QUEUE_DEFAULTS.maxBackoff).describe("longest retry delay (default 5s)"),
    retryOnRateLimit: z.boolean().default(REMOTE_WRITE_QUEUE_DEFAULTS.retryOnRateLimit).describe("retry on HTTP 429 instead of dropping the batch (default true)"),
  })
  .superRefine((q, ctx) => {
    if (q.minShards > q.maxShards) ctx.addIssue({ code: "custom", path: ["minShards"], message: `must not exceed maxShards (${q.maxShards})` });
  })
  .describe("remote write queue tuning; the defaults suit a household");

const remoteWriteTarget = z
  .strictObject({
    name: name("remote write target name"),
    url: httpUrl.describe("the store's remote-write endpoint, e.g. https://mimir.example/api/v1/push"),
    auth: remoteWriteAuth.optional(),
    caVariable: variableName.optional().describe("Terraform variable holding the PEM of the CA the store's certificate chains to; default: the system's"),
    headers: z
      .record(z.string(), headerValue)
      .superRefine((headers, ctx) => {
        for (const key of Object.keys(headers)) {
          const checked = headerName.safeParse(key);
          if (!checked.success) ctx.addIssue({ code: "custom", path: [key], message: checked.error.issues[0].message });
        }
      })
      .default({})
      .describe("extra request headers, e.g. X-Scope-OrgID for a Mimir tenant"),
    queue: queue.prefault({}),
    writeRelabel: z.array(writeRelabel).default([]).describe("rules applied in order to what is sent; e.g. drop probe_.* debug series"),
    grafanaDatasource: z
      .strictObject({ url: httpUrl.describe("the store's Prometheus query API, e.g. https://mimir.example/prometheus") })
      .optional()
      .describe("also add the store as a Grafana datasource (same auth, CA and headers)"),
  })
  .describe("a long-term store the hub's Prometheus remote-writes to");

const ipv4 = z.string().refine(isIpv4, IPV4_RULE);

const alertmanagerPeer = z
  .strictObject({
    host: z
      .string()
      .regex(/^(?:hub|[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*)$/, 'must be "hub" or "<site>/<node>"')
      .describe('where the replica runs: "hub" or an edge node as "<site>/<node>"'),
    address: ipv4
      .refine((value) => value !== "0.0.0.0" && !value.startsWith("127."), "must be an address of the host that the other replicas and the hub reach (not 0.0.0.0 or loopback)")
      .describe("the host's address the replica's web and cluster listeners bind to"),
    port: port.default(9093).describe("web (API) port on that address"),
    clusterPort: port.default(9094).describe("gossip port on that address"),
  })
  .describe("one Alertmanager replica");

const alertmanagerHa = z
  .strictObject({
    replicas: count(1, 3).default(1).describe("Alertmanagers in the gossip cluster: 1 (no cluster), 2 or 3"),
    peers: z.array(alertmanagerPeer).optional().describe("one per replica when replicas > 1: where it runs and the address it binds"),
  })
  .describe("Alertmanager replicas sharing silences and notification state");

const s3Bucket = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)");

const logStorage = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("filesystem").describe("Loki's volume on the hub (default)") }),
    z.strictObject({
      type: z.literal("s3").describe("an S3-compatible bucket (AWS S3, MinIO, Ceph RGW)"),
      endpoint: httpUrl
        .refine((value) => /^https?:\/\/[^/]+\/?$/.test(value), "must be scheme, host and port only (the bucket goes in bucket)")
        .describe("e.g. https://minio.home.arpa:9000; http:// turns TLS off"),
      bucket: s3Bucket,
      region: z.string().regex(/^[a-z0-9-]{1,32}$/, "must be a region name such as us-east-1").default("us-east-1"),
      accessKeyIdVariable: variableName.describe("sensitive Terraform variable holding the access key id"),
      secretAccessKeyVariable: variableName.describe("sensitive Terraform variable holding the secret access key"),
      pathStyle: z.boolean().default(false).describe("path-style addressing (bucket in the path): MinIO and Ceph RGW need it"),
      caVariable: variableName.optional().describe("Terraform variable holding the PEM of the CA the endpoint's certificate chains to"),
    }),
  ])
  .describe("where Loki keeps chunks and index");

const logs = z
  .strictObject({
    storage: logStorage.default({ type: "filesystem" }),
    mode: z
      .enum(["single", "scalable"])
      .default("single")
      .describe("single: one Loki container; scalable: write, read and backend targets as separate containers (needs s3 storage)"),
  })
  .describe("Loki's storage and deployment mode");

// --- Data placement: an optional host directory per data volume --------------
// A path here makes the service's Docker volume a bind-backed one (local driver,
// type=none, o=bind, device=PATH): still a Terraform-managed volume with
// prevent_destroy, its data on the disk the operator chose. README "Day two".

// Why a value is not usable as a volume's host directory: hostPathProblem (constructs/value-types.ts).
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
        .regex(SIZE_PATTERN, SIZE_RULE)
        .refine((value) => !SIZE_PATTERN.test(value) || isSize(value), "is beyond Prometheus's range of sizes (at most 7EB)")
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
  deployment: name("deployment name")
    .optional()
    .describe("the deployment's name: first in every stack name (so its Terraform state is its own) and the external label `deployment` on every sample the hub remote-writes (required with remoteWrite); leave it out for the first deployment"),
  remoteWrite: z.array(remoteWriteTarget).default([]).describe("long-term stores the hub's Prometheus remote-writes to"),
  alertmanager: alertmanagerHa.prefault({}),
  logs: logs.prefault({}),
  storage: hubStorage,
});

/** RFC 3986 path and query characters, without quotes, spaces or braces; % only as an escape. */
const HTTP_PATH = /^\/(?:[A-Za-z0-9\-._~!$&()*+,;=:@/?]|%[0-9A-Fa-f]{2}){0,1023}$/;

const camera = z
  .strictObject({
    name: name("camera name"),
    address: address.describe("camera address as the edge node reaches it"),
    probe: z.enum(["icmp", "tcp", "http"]).describe("how blackbox_exporter checks the camera"),
    port: port.optional().describe("TCP or HTTP port; defaults to 554 (RTSP) for tcp and 80 for http"),
    path: z
      .string()
      .regex(HTTP_PATH, "must be an HTTP path such as /onvif/device_service: starting with /, then letters, digits and - . _ ~ ! $ & ( ) * + , ; = : @ / ? or %XX escapes")
      .optional()
      .describe("HTTP path for http probes; defaults to /"),
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
const CLOCK = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const clock = z.string().regex(CLOCK, "must be a time of day as HH:MM, 00:00 to 24:00");
const isClock = (value: unknown) => typeof value === "string" && CLOCK.test(value);
const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
/** Alertmanager refuses a weekday range that ends before it starts. */
const isForwardRange = (value: string) => {
  const [from, to = from] = value.split(":");
  return WEEKDAYS.indexOf(from) <= WEEKDAYS.indexOf(to);
};

const maintenanceWindow = z
  .strictObject({
    weekdays: z
      .array(
        z
          .string()
          .regex(new RegExp(`^${WEEKDAY}(?::${WEEKDAY})?$`), "must be a weekday or a range such as monday:friday (lowercase)")
          .refine(isForwardRange, "must be a range from an earlier to a later day of the week (monday first), such as monday:friday; write a range across Sunday as two entries"),
      )
      .optional()
      .describe("days the window applies to; every day when left out"),
    start: clock.describe("start time of day, HH:MM"),
    end: clock.describe("end time of day, HH:MM (after start)"),
    location: z
      .string()
      .superRefine((value, ctx) => {
        const problem = timeZoneProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .default("UTC")
      .describe("time zone of start and end"),
  })
  .superRefine((w, ctx) => {
    if (w.start >= w.end) ctx.addIssue({ code: "custom", path: ["end"], message: `must be after start (${w.start})` });
  }, { when: (payload) => isClock((payload.value as { start?: unknown }).start) && isClock((payload.value as { end?: unknown }).end) })
  .describe("a recurring window in which the site's notifications are muted (Alertmanager time_intervals)");

const TIME_ZONES = new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);

/** Alertmanager loads zones from the IANA database by exact, case-sensitive name. */
function timeZoneProblem(value: string): string | undefined {
  const rule = "must be an IANA time zone spelled exactly, such as Europe/Berlin or UTC";
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat("en", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return rule;
  }
  if (TIME_ZONES.has(value) || canonical === value) return undefined;
  return `${rule} (did you mean ${canonical}?)`;
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

const connector = z
  .strictObject({
    // A name another hub container has is refused where the containers are made (the hub's registry).
    name: name("connector name"),
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
    smarthost: z.string().superRefine((value, ctx) => {
      const [host, portText, ...extra] = value.split(":");
      const portNumber = Number(portText);
      if (extra.length > 0 || portText === undefined || !isAddress(host) || !/^\d{1,5}$/.test(portText) || portNumber < 1 || portNumber > 65535)
        ctx.addIssue({ code: "custom", message: "must be host:port, such as smtp.example.com:587 (an IPv4 address or host name, and a port 1-65535)" });
    }),
    username: z
      .string()
      .regex(/^[A-Za-z0-9._%+\-@=!#&*~^|/:]{1,256}$/, "must be 1-256 letters, digits or . _ % + - @ = ! # & * ~ ^ | / : (no spaces or quotes)")
      .describe("SMTP user name"),
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

const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,199}$/, "must be a Prometheus metric name (letters, digits, _ and :)");
/** Label matchers such as job="camera-probe": quoted plain values only, so a setting cannot add PromQL of its own. */
const labelMatchers = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*(?:=|!=|=~|!~)"[A-Za-z0-9 _.:/|*+?()^$-]*"(?:, ?[a-zA-Z_][a-zA-Z0-9_]*(?:=|!=|=~|!~)"[A-Za-z0-9 _.:/|*+?()^$-]*")*$/, 'must be PromQL label matchers such as job="camera-probe" (quoted values of letters, digits and regex characters)');

/** The alert rules' thresholds, windows, selectors and metric names (alert-rules/settings.ts); dashboards use the same. */
const alertSettings = z
  .strictObject({
    cameraProbeSelector: labelMatchers.optional().describe('selector of the blackbox camera probes (default job="camera-probe")'),
    cameraOfflineFor: duration.optional().describe("how long CameraOffline waits after two camera probes in a row have failed (default 0s)"),
    cameraEvaluationSeconds: count(1, 3600).optional().describe("evaluation interval of the camera rules, below probe interval - probe timeout - 1 s = 9 (default 5)"),
    cameraHubOnlineMetric: metricName.optional().describe("camera hub gauge, 1 when it reaches a camera (default tapo_camera_online)"),
    cameraHubOfflineFor: duration.optional().describe("default 2m"),
    sensorLastUpdateMetric: metricName.optional().describe("edge agent gauge: Unix time of a sensor's last update (default sensor_last_update_timestamp_seconds)"),
    nodeDownFor: duration.optional().describe("default 2m"),
    nodeSilentLookback: duration.optional().describe("default 1h"),
    remoteWriteLagSeconds: count(1, 86400).optional().describe("default 120"),
    remoteWriteBehindFor: duration.optional().describe("default 10m"),
    diskFreeRatio: z.number().gt(0, "must be between 0 and 1").lt(1, "must be between 0 and 1").optional().describe("free-space fraction below which a filesystem alerts (default 0.1)"),
    diskFullPredictionHours: count(1, 8760).optional().describe("default 24"),
    ignoredFilesystems: z
      .string()
      .regex(/^[a-z0-9_.]+(?:\|[a-z0-9_.]+)*$/, "must be filesystem types joined by |, such as tmpfs|overlay")
      .optional()
      .describe("filesystems left out of disk alerts and panels (default tmpfs|overlay|squashfs|devtmpfs)"),
    targetDownFor: duration.optional().describe("default 5m"),
    failureWindow: duration.optional().describe("window over which rule, notification and ingestion failures count (default 10m)"),
    criticalLogWindow: duration.optional().describe("default 5m"),
    certificateExpiryDays: count(1, 365).optional().describe("days of validity left below which a certificate alerts (default 21)"),
    containerRestarts: count(1, 1000).optional().describe("restarts within containerRestartWindow at which a container alerts (default 3)"),
    containerRestartWindow: duration.optional().describe("default 15m"),
    containerMemoryRatio: z.number().gt(0, "must be between 0 and 1").lt(1, "must be between 0 and 1").optional().describe("fraction of its memory limit above which a container alerts (default 0.9)"),
  })
  .describe("overrides of the alert rules' settings; every field has a default");

const alerting = z.strictObject({
  settings: alertSettings.optional(),
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
    .url({ protocol: /^https?$/, message: "must be an http(s) URL such as https://git.example/ops/RUNBOOK.md" })
    .refine((value) => !/^[a-z]+:\/\/[^/]*@/i.test(value), "must not carry a user name or password: every alert shows it")
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

  // Each Docker host runs one stack: two would fight over container names and ports.
  const engines = new Map<string, string>();
  const claimEngine = (value: unknown, path: (string | number)[], owner: string) => {
    const engine = typeof value === "string" ? dockerEngineOf(value) : undefined;
    if (engine === undefined) return;
    const other = engines.get(engine);
    if (other !== undefined)
      issues.push({ path, message: `reaches the same Docker engine (${engine}) as ${other}: the hub and every edge node need a Docker host of their own (their containers have the same names)` });
    else engines.set(engine, owner);
  };
  claimEngine((inv.hub as { dockerHost?: unknown } | undefined)?.dockerHost, ["hub", "dockerHost"], "hub.dockerHost");
  sites.forEach((site, si) =>
    list((site as { nodes?: unknown }).nodes).forEach((node, ni) =>
      claimEngine((node as { dockerHost?: unknown }).dockerHost, ["sites", si, "nodes", ni, "dockerHost"], `sites[${si}].nodes[${ni}] (${nameOf(site)}/${nameOf(node)})`),
    ),
  );

  // Edge nodes push logs (all sites) and metrics (push sites) to the hub's published ports.
  const hubConfig = (typeof inv.hub === "object" && inv.hub !== null ? inv.hub : {}) as Record<string, unknown>;
  const published = (typeof hubConfig.publish === "object" && hubConfig.publish !== null ? hubConfig.publish : {}) as Record<string, { address?: unknown } | undefined>;
  const requirePublished = (service: string, why: string) => {
    const binding = published[service];
    if (binding === undefined) issues.push({ path: ["hub", "publish"], message: `must publish ${service}: ${why}` });
    else if (typeof binding.address === "string" && /^127\./.test(binding.address))
      issues.push({ path: ["hub", "publish", service, "address"], message: `must not be a loopback address: ${why}` });
  };
  issues.push(...hubBindingConflicts(hubConfig, published));
  requirePublished("grafana", "the grafana stack configures it through its API");
  if (sites.length > 0) requirePublished("loki", "edge nodes ship their logs to it");
  if (sites.some((site) => (site as { mode?: unknown }).mode === "push")) requirePublished("prometheus", "push sites remote-write to it");

  beyondOneHub(inv, hubConfig, issues);

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

/** Two listeners on one address:port of the hub (0.0.0.0 overlaps every address); node_exporter listens on the host network. */
function hubBindingConflicts(hubConfig: Record<string, unknown>, published: Record<string, { address?: unknown; port?: unknown } | undefined>): Issue[] {
  const issues: Issue[] = [];
  const bound: { address: string; port: number; owner: string }[] = [];
  const claim = (address: unknown, port: unknown, path: (string | number)[], owner: string) => {
    if (typeof address !== "string" || typeof port !== "number") return;
    const other = bound.find((b) => b.port === port && (b.address === address || b.address === "0.0.0.0" || address === "0.0.0.0"));
    if (other) issues.push({ path, message: `binds ${address}:${port}, which ${other.owner} already binds on the hub` });
    else bound.push({ address, port, owner });
  };
  const exporter = published.nodeExporter;
  // node_exporter always runs on the hub, with the host's network.
  claim(exporter?.address ?? hubConfig.address, exporter?.port ?? PORTS.nodeExporter, ["hub", "publish", "nodeExporter"], "node_exporter (host network)");
  for (const service of PUBLISHABLE_HUB_SERVICES) {
    const binding = published[service];
    if (service === "nodeExporter" || binding === undefined) continue;
    claim(binding.address, binding.port ?? PORTS[service], ["hub", "publish", service], `hub.publish.${service}`);
  }
  return issues;
}

/** Cross-field rules of hub.remoteWrite, hub.alertmanager and hub.logs. */
function beyondOneHub(inv: Record<string, unknown>, hubConfig: Record<string, unknown>, issues: Issue[]) {
  const object = (value: unknown) => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  const targets = list(hubConfig.remoteWrite);
  if (targets.length > 0 && hubConfig.deployment === undefined)
    issues.push({ path: ["hub"], message: "must name the deployment (hub.deployment) when hub.remoteWrite is set: it is the `deployment` label of every sample in the long-term store" });
  const seen = new Map<string, number>();
  targets.forEach((target, i) => {
    const targetName = nameOf(target);
    if (targetName === undefined) return;
    if (seen.has(targetName)) issues.push({ path: ["hub", "remoteWrite", i, "name"], message: `duplicate remote write target name (first used at index ${seen.get(targetName)})` });
    else seen.set(targetName, i);
  });

  const am = object(hubConfig.alertmanager);
  const replicas = typeof am.replicas === "number" ? am.replicas : 1;
  const peers = Array.isArray(am.peers) ? am.peers.map(object) : undefined;
  if (replicas > 1) {
    if (peers === undefined) issues.push({ path: ["hub", "alertmanager"], message: `must list peers (${replicas}, one per replica: host and address) when replicas is ${replicas}` });
    else if (peers.length !== replicas) issues.push({ path: ["hub", "alertmanager", "peers"], message: `must list exactly ${replicas} peers, one per replica (found ${peers.length})` });
    if (object(hubConfig.publish).alertmanager !== undefined)
      issues.push({ path: ["hub", "publish", "alertmanager"], message: "is not used with Alertmanager replicas: each replica listens on its peer address and port" });
  } else if (peers !== undefined) {
    issues.push({ path: ["hub", "alertmanager", "peers"], message: "are only used when replicas is 2 or 3" });
  }
  const nodes = new Set(list(inv.sites).flatMap((site) => list((site as { nodes?: unknown }).nodes).map((node) => `${nameOf(site)}/${nameOf(node)}`)));
  const bound = new Map<string, string>();
  (peers ?? []).forEach((peer, i) => {
    if (typeof peer.host === "string" && peer.host !== "hub" && !nodes.has(peer.host))
      issues.push({ path: ["hub", "alertmanager", "peers", i, "host"], message: `names no edge node of the inventory (use "hub" or "<site>/<node>")` });
    if (typeof peer.address !== "string") return;
    for (const key of ["port", "clusterPort"] as const) {
      const value = peer[key] ?? (key === "port" ? 9093 : 9094);
      const where = `${peer.address}:${String(value)}`;
      const other = bound.get(where);
      if (other !== undefined) issues.push({ path: ["hub", "alertmanager", "peers", i, key], message: `binds ${where}, already bound by ${other}` });
      else bound.set(where, `peers[${i}].${key}`);
    }
  });

  const logsConfig = object(hubConfig.logs);
  if (logsConfig.mode === "scalable" && object(logsConfig.storage).type !== "s3")
    issues.push({ path: ["hub", "logs", "mode"], message: "scalable needs object storage (hub.logs.storage.type: s3): the write, read and backend targets share the bucket" });
}
