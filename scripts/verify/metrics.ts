// Prometheus's text exposition format, read just far enough for counters and
// gauges: `name{label="value",...} value [timestamp]`, comments skipped.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y;

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[2]) {
      LABEL.lastIndex = 0;
      let label: RegExpExecArray | null;
      while (LABEL.lastIndex < m[2].length && (label = LABEL.exec(m[2])) !== null)
        labels[label[1]] = label[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    samples.push({ name: m[1], labels, value: m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : Number(m[3]) });
  }
  return samples;
}

export type LabelMatch = Readonly<Record<string, string>> | ((labels: Readonly<Record<string, string>>) => boolean);

/** Sum of `name` over the samples whose labels include `match` (or satisfy it). */
export function sumOf(samples: readonly Sample[], name: string, match: LabelMatch = {}): number {
  const matches = typeof match === "function" ? match : (labels: Readonly<Record<string, string>>) => Object.entries(match).every(([k, v]) => labels[k] === v);
  return samples.filter((s) => s.name === name && matches(s.labels)).reduce((sum, s) => sum + s.value, 0);
}
