// Typed alert rules and their promtool test cases. Rule files are rendered from
// these, and so is RUNBOOK.md, so a rule can never lack its runbook section.

export type Severity = "critical" | "warning" | "info";

export interface RunbookEntry {
  /** What the operator sees. */
  readonly symptom: string;
  /** What to look at first, in order. */
  readonly checks: readonly string[];
  /** How to make it right. */
  readonly remediation: readonly string[];
}

export interface AlertRule {
  /** CamelCase, prefixed by component (CameraOffline, PrometheusTargetDown). */
  readonly alert: string;
  readonly expr: string;
  /** Prometheus duration; omitted when the alert should fire on first evaluation. */
  readonly for?: string;
  /**
   * How long the alert keeps firing once its expression no longer holds (Prometheus
   * 2.42+). @default - resolved at the first evaluation that no longer finds it
   */
  readonly keepFiringFor?: string;
  readonly severity: Severity;
  /**
   * Extra static labels. Needed where one alert name has several rules (one per
   * threshold or sensor): promtool rejects rules identical in name and labels.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly description: string;
  readonly runbook: RunbookEntry;
}

export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval of this group. @default - Prometheus's global evaluation_interval */
  readonly intervalSeconds?: number;
  readonly rules: readonly AlertRule[];
}

/** One `promtool test rules` case: input series and the alerts expected at given times. */
export interface RuleTest {
  readonly name: string;
  /** Seconds between the samples of input series. */
  readonly intervalSeconds: number;
  readonly inputSeries: readonly { readonly series: string; readonly values: string }[];
  readonly expect: readonly {
    readonly evalTime: string;
    readonly alertname: string;
    /** Labels of every alert expected (besides alertname); [] means none fires. */
    readonly alerts: readonly Readonly<Record<string, string>>[];
  }[];
}

/** A rule file: groups plus the tests that prove each alert fires and stays quiet. */
export interface RuleFile {
  /** File name under rules/, e.g. "stack-health.yml". */
  readonly fileName: string;
  readonly groups: readonly RuleGroup[];
  readonly tests: readonly RuleTest[];
}

/** A series in promtool's input notation: `name{label="value",...}`. */
export function seriesOf(name: string, labels: Readonly<Record<string, string>>): string {
  return `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}}`;
}
