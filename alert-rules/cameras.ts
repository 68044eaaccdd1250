// Cameras: a camera whose probes fail (blackbox_exporter on its edge node).
// The camera hub's own view is camera-hub.ts.
import { durationSeconds, ResolvedAlertSettings } from "./settings";
import { RuleFile, RuleTest, seriesOf } from "./types";

/** How the cameras are probed: the blackbox exporters' interval and timeout (the slowest, where they differ). */
export interface CameraProbeTiming {
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
}

/**
 * Seconds CameraOffline looks back: two probe intervals, the probe timeout (a dark
 * camera's sample lands that late) and 1 s for the scrape around the probe. A dark
 * camera's last two probes are always in it (docs/alert-latency.md).
 */
export function cameraOfflineWindowSeconds(probe: CameraProbeTiming): number {
  return 2 * probe.intervalSeconds + probe.timeoutSeconds + 1;
}

/** Two misses followed by a good probe are visible for 3 intervals − window seconds; an evaluation must land in them. */
export function cameraRuleProblems(s: ResolvedAlertSettings, probe: CameraProbeTiming): string[] {
  const visible = 3 * probe.intervalSeconds - cameraOfflineWindowSeconds(probe);
  return s.cameraEvaluationSeconds < visible
    ? []
    : [`cameraEvaluationSeconds must be below probe interval − probe timeout − 1 s (${visible} s), or two failed probes in a row may never page, got ${s.cameraEvaluationSeconds}`];
}

export function cameraRules(s: ResolvedAlertSettings, probe: CameraProbeTiming): RuleFile {
  const window = cameraOfflineWindowSeconds(probe);
  const problems = cameraRuleProblems(s, probe);
  if (problems.length > 0) throw new Error(`alert-rules: ${problems.join("; ")}`);
  const probes = `probe_success{${s.cameraProbeSelector}}[${window}s]`;
  const waits = durationSeconds(s.cameraOfflineFor) > 0;
  return {
    fileName: "cameras.yml",
    groups: [
      {
        name: "cameras",
        // More often than the probes run, so two failed probes are seen before the next one.
        intervalSeconds: s.cameraEvaluationSeconds,
        rules: [
          {
            alert: "CameraOffline",
            // Every probe in the window failed, and there were at least two: one missed probe never pages.
            expr: `max_over_time(${probes}) == 0 and count_over_time(${probes}) >= 2`,
            ...(waits ? { for: s.cameraOfflineFor } : {}),
            // A short outage still outlasts Alertmanager's group_wait, so it is told.
            keepFiringFor: s.cameraOfflineKeepFiringFor,
            severity: "critical",
            summary: "Camera {{ $labels.camera }} at {{ $labels.site }} is offline",
            description: `Every probe of camera {{ $labels.camera }} ({{ $labels.instance }}) from node {{ $labels.node }} in the last ${window}s failed, at least two in a row${waits ? `, for ${s.cameraOfflineFor}` : ""}.`,
            runbook: {
              symptom:
                "A camera misses two probes in a row (ICMP, TCP or HTTP, as the inventory says); its stream is probably down too. A single missed probe (flaky Wi-Fi) does not page.",
              checks: [
                "Is the camera powered (PoE switch port, power supply)?",
                "From the edge node: `ping <camera>` / `nc -vz <camera> 554`.",
                "Did the camera's address change (DHCP lease)? Compare with inventory/sites.yaml.",
              ],
              remediation: ["Power-cycle the camera or its PoE port.", "Give the camera a DHCP reservation and update the inventory if the address moved."],
            },
          },
        ],
      },
    ],
    tests: isDefaultTiming(s, probe) ? cameraOfflineTests() : cameraOfflineTestsFor(s, probe),
  };
}

// The CameraOffline cases are worked out by hand for the default timings: a probe
// every 15 s, a 36 s window, an evaluation every 5 s (promtool evaluates at the
// group's interval, constructs/config/rule-files.ts), 15 s keep_firing_for. Input samples are 1 s apart, so
// a probe can sit at any phase of the evaluations; five cameras, offset 0-4 s, cover
// every phase.
const PROBE = { job: "camera-probe", instance: "192.168.1.50", site: "home", node: "porch", camera: "front-door" };
const PHASES = [0, 1, 2, 3, 4];
const atPhase = (offset: number) => ({ ...PROBE, camera: `front-door-${offset}s` });

/** promtool values, one sample a second: probe outcomes ("1 0 1") 15 s apart, the first `offset` seconds in. */
function probesEvery15s(offset: number, outcomes: string): string {
  return [...(offset > 0 ? [`_x${offset}`] : []), outcomes.split(" ").join(" _x14 ")].join(" ");
}

const everyEvaluation = (untilSeconds: number) => Array.from({ length: untilSeconds / 5 + 1 }, (_, i) => `${i * 5}s`);

/** The timings the hand-worked cases below assume. */
function isDefaultTiming(s: ResolvedAlertSettings, probe: CameraProbeTiming): boolean {
  return probe.intervalSeconds === 15 && probe.timeoutSeconds === 5 && s.cameraEvaluationSeconds === 5 && durationSeconds(s.cameraOfflineFor) === 0 && durationSeconds(s.cameraOfflineKeepFiringFor) === 15;
}

/**
 * Cases for any other timing, derived from it: a camera that goes dark fires at
 * the first evaluation after the window has lost its last good probe, plus `for`;
 * a single missed probe never fires.
 */
function cameraOfflineTestsFor(s: ResolvedAlertSettings, probe: CameraProbeTiming): RuleTest[] {
  const every = s.cameraEvaluationSeconds;
  const window = cameraOfflineWindowSeconds(probe);
  // A sample exactly `window` old is still in the window: the condition holds only after it.
  const active = (Math.floor(window / every) + 1) * every;
  const firing = active + Math.ceil(durationSeconds(s.cameraOfflineFor) / every) * every;
  const samples = Math.ceil((firing + 2 * every) / probe.intervalSeconds) + 1;
  const evaluations = (until: number) => Array.from({ length: Math.floor(until / every) + 1 }, (_, i) => `${i * every}s`);
  return [
    {
      name: `a camera that goes dark pages once its window (${window}s) holds only failed probes${durationSeconds(s.cameraOfflineFor) > 0 ? `, after ${s.cameraOfflineFor}` : ""}`,
      intervalSeconds: probe.intervalSeconds,
      inputSeries: [
        { series: seriesOf("probe_success", PROBE), values: `1 0x${samples}` },
        { series: seriesOf("probe_success", { ...PROBE, instance: "192.168.1.51:554", camera: "driveway" }), values: `1x${samples + 1}` },
      ],
      expect: [
        { evalTime: `${Math.floor(window / every) * every}s`, alertname: "CameraOffline", alerts: [] },
        { evalTime: `${firing + every}s`, alertname: "CameraOffline", alerts: [PROBE] },
      ],
    },
    {
      name: "a single missed probe never pages",
      intervalSeconds: probe.intervalSeconds,
      inputSeries: [{ series: seriesOf("probe_success", PROBE), values: "1 1 1 0 1 1 1 1 1" }],
      expect: evaluations(8 * probe.intervalSeconds).map((evalTime) => ({ evalTime, alertname: "CameraOffline", alerts: [] })),
    },
  ];
}

function cameraOfflineTests(): RuleTest[] {
  return [
    {
      name: "a probe missed between good ones, every other probe missed, or a first probe missed never pages, at any phase",
      intervalSeconds: 1,
      inputSeries: [
        ...PHASES.map((offset) => ({ series: seriesOf("probe_success", atPhase(offset)), values: probesEvery15s(offset, "1 1 1 0 1 1 1") })),
        { series: seriesOf("probe_success", { ...PROBE, camera: "every-other" }), values: probesEvery15s(0, "1 0 1 0 1 0 1") },
        { series: seriesOf("probe_success", { ...PROBE, camera: "new-camera" }), values: probesEvery15s(2, "0 1 1 1 1 1 1") },
      ],
      expect: everyEvaluation(100).map((evalTime) => ({ evalTime, alertname: "CameraOffline", alerts: [] })),
    },
    {
      // Misses at 45 s and 60 s (+ offset), the next good probe at 75 s (+ offset): firing
      // once the window no longer holds the good probe at 30 s (after 66 s + offset;
      // promtool 2.42 keeps a sample exactly 36 s old), so offset 4 s only from 75 s. The
      // good probe clears the expression at the next evaluation (75 s for offset 0, 80 s
      // for the others); the alert resolves 15 s later.
      name: "two probes missed in a row page at every phase, and it resolves after the next good probe",
      intervalSeconds: 1,
      inputSeries: PHASES.map((offset) => ({ series: seriesOf("probe_success", atPhase(offset)), values: probesEvery15s(offset, "1 1 1 0 0 1 1 1 1") })),
      expect: [
        { evalTime: "65s", alertname: "CameraOffline", alerts: [] },
        { evalTime: "70s", alertname: "CameraOffline", alerts: [0, 1, 2, 3].map(atPhase) },
        ...["75s", "85s"].map((evalTime) => ({ evalTime, alertname: "CameraOffline", alerts: PHASES.map(atPhase) })),
        { evalTime: "90s", alertname: "CameraOffline", alerts: [1, 2, 3, 4].map(atPhase) },
        { evalTime: "95s", alertname: "CameraOffline", alerts: [] },
      ],
    },
    {
      name: "a camera that stays dark pages from its second failed probe until 15 s after it answers again; a healthy one stays quiet",
      intervalSeconds: 1,
      inputSeries: [
        // Dark from the probe at 30 s to the one at 120 s.
        { series: seriesOf("probe_success", PROBE), values: probesEvery15s(0, "1 1 0 0 0 0 0 0 1 1") },
        { series: seriesOf("probe_success", { ...PROBE, instance: "192.168.1.51:554", camera: "driveway" }), values: probesEvery15s(0, "1 1 1 1 1 1 1 1 1 1") },
      ],
      expect: [
        { evalTime: "50s", alertname: "CameraOffline", alerts: [] },
        ...["55s", "85s", "115s", "130s"].map((evalTime) => ({ evalTime, alertname: "CameraOffline", alerts: [PROBE] })),
        { evalTime: "135s", alertname: "CameraOffline", alerts: [] },
      ],
    },
  ];
}
