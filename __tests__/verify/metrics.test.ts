import { parseMetrics, sumOf } from "../../scripts/verify/metrics";

describe("verify: Prometheus text format", () => {
  const text = [
    "# HELP alertmanager_notifications_total The total number of attempted notifications.",
    "# TYPE alertmanager_notifications_total counter",
    'alertmanager_notifications_total{integration="webhook",receiver_name="pager"} 3',
    'alertmanager_notifications_total{integration="webhook",receiver_name="heartbeat"} 41',
    'alertmanager_notifications_total{integration="email",receiver_name="email"} 1e+00',
    'odd_label{v="a \\"quoted\\", comma\\\\ and\\nnewline"} 1 1700000000000',
    "up 1",
    'le{le="+Inf"} +Inf',
  ].join("\n");

  it("reads names, labels (escapes included) and values, skipping comments", () => {
    const samples = parseMetrics(text);
    expect(samples).toHaveLength(6);
    expect(samples[3]).toEqual({ name: "odd_label", labels: { v: 'a "quoted", comma\\ and\nnewline' }, value: 1 });
    expect(samples[4]).toEqual({ name: "up", labels: {}, value: 1 });
    expect(samples[5].value).toBe(Infinity);
  });

  it("sums a metric over matching labels or a predicate", () => {
    const samples = parseMetrics(text);
    expect(sumOf(samples, "alertmanager_notifications_total")).toBe(45);
    expect(sumOf(samples, "alertmanager_notifications_total", { integration: "webhook" })).toBe(44);
    expect(sumOf(samples, "alertmanager_notifications_total", (l) => l.receiver_name !== "heartbeat")).toBe(4);
    expect(sumOf(samples, "missing")).toBe(0);
  });
});
