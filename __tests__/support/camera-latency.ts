// The camera-offline path as the rendered files configure it: what the worst case
// from a camera going dark to the pager (docs/alert-latency.md) is computed from.
import { parse } from "yaml";
import { durationSeconds } from "../../alert-rules/settings";

export interface CameraOfflinePath {
  /** The camera-probe job's scrape_interval. */
  readonly probeInterval: number;
  /** How late a failed probe's sample lands at worst: the longest camera module timeout of any node, capped by the job's scrape_timeout. */
  readonly probeTimeout: number;
  /** CameraOffline's range: every probe in it must have failed. */
  readonly window: number;
  /** ... and at least this many of them. */
  readonly failedProbes: number;
  /** The camera group's evaluation interval. */
  readonly evaluation: number;
  readonly for: number;
  /** The longest group_wait of the critical routes. */
  readonly groupWait: number;
  /** How long the alert keeps firing after the camera answers again. */
  readonly keepFiringFor: number;
}

type Route = { readonly matchers?: string[]; readonly group_wait?: string; readonly routes?: Route[] };

/** The rendered files keyed `<stack>/<service>/<file>`, as under rendered/. */
export function cameraOfflinePath(files: ReadonlyMap<string, string>): CameraOfflinePath {
  const read = (key: string) => parse(files.get(key) ?? missing(key));
  const prom = read("hub/prometheus/prometheus.yml");
  const probeJob = prom.scrape_configs.find((j: { job_name: string }) => j.job_name === "camera-probe");
  const probeInterval = durationSeconds(probeJob.scrape_interval ?? prom.global.scrape_interval);
  // Prometheus's default: the global timeout (10 s unless set), never longer than the job's interval.
  const scrapeTimeout = probeJob.scrape_timeout ? durationSeconds(probeJob.scrape_timeout) : Math.min(durationSeconds(prom.global.scrape_timeout ?? "10s"), probeInterval);
  const moduleTimeouts = [...files]
    .filter(([key]) => /^edge-[^/]+\/blackbox-exporter\/blackbox\.yml$/.test(key))
    .flatMap(([, yaml]) => Object.entries<{ timeout?: string }>(parse(yaml).modules).filter(([name]) => name.startsWith("camera_")))
    .map(([, module]) => durationSeconds(module.timeout ?? "0s") || Infinity);
  if (moduleTimeouts.length === 0) throw new Error("no camera module in any edge blackbox.yml");

  const cameras = read("hub/prometheus/rules/cameras.yml").groups.find((g: { name: string }) => g.name === "cameras");
  const rule = cameras.rules.find((r: { alert: string }) => r.alert === "CameraOffline");
  const shape = /^max_over_time\((probe_success\{[^}]*\})\[(\w+)\]\) == 0 and count_over_time\(\1\[\2\]\) >= (\d+)$/.exec(rule.expr);
  if (!shape) throw new Error(`CameraOffline is no longer "every probe in the window failed, at least N": ${rule.expr}`);

  const am = read("hub/alertmanager/alertmanager.yml");
  // Critical routes sit at the top and under each site's maintenance route; group_wait is inherited.
  const criticalWaits: number[] = [];
  const visit = (route: Route, inherited: string) => {
    const wait = route.group_wait ?? inherited;
    if (route.matchers?.includes('severity="critical"')) criticalWaits.push(durationSeconds(wait));
    for (const child of route.routes ?? []) visit(child, wait);
  };
  visit(am.route, am.route.group_wait);
  return {
    probeInterval,
    probeTimeout: Math.min(Math.max(...moduleTimeouts), scrapeTimeout),
    window: durationSeconds(shape[2]),
    failedProbes: Number(shape[3]),
    evaluation: durationSeconds(cameras.interval ?? prom.global.evaluation_interval),
    for: durationSeconds(rule.for ?? "0s"),
    groupWait: Math.max(...criticalWaits),
    keepFiringFor: durationSeconds(rule.keep_firing_for ?? "0s"),
  };
}

/**
 * Camera dark → pager, at most: the last good probe started just before the fault,
 * and the alert fires at the first evaluation whose window no longer holds it; then
 * `for`, and Alertmanager's group_wait.
 */
export const worstCaseSeconds = (p: CameraOfflinePath) => p.window + p.evaluation + p.for + p.groupWait;

/**
 * Whether a short outage is still told: Alertmanager notifies a new group only if an
 * alert of it fires at its first flush, group_wait after the alert came. The alert
 * clears at the earliest one evaluation after it fired, then keeps firing for keep_firing_for.
 */
export const outlastsGroupWait = (p: Pick<CameraOfflinePath, "evaluation" | "keepFiringFor" | "groupWait">) => p.evaluation + p.keepFiringFor > p.groupWait;

function missing(key: string): never {
  throw new Error(`no rendered file ${key}`);
}
