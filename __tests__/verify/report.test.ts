// One line per check, readable in a terminal (colour, a live "checking" line) and
// plain elsewhere; --json prints one document.
import { formatLine, jsonReporter, textReporter, useColour } from "../../scripts/verify/report";
import type { CheckResult } from "../../scripts/verify/types";

const passing: CheckResult = { stack: "hub", check: "targets", status: "pass", detail: "5 of 5 up", durationMs: 12 };
const failing: CheckResult = { stack: "edge-home-porch", check: "targets", status: "fail", detail: "1 of 5 down: node-exporter 192.168.1.21:9100 (connection refused)", fix: "is the container running?", durationMs: 30 };
const skipped: CheckResult = { stack: "hub", check: "heartbeat", status: "skip", detail: "no heartbeat receiver in the inventory (alerting.heartbeat)", durationMs: 0 };

function capture(isTTY: boolean) {
  let text = "";
  return { out: { write: (t: string) => void (text += t), isTTY }, text: () => text };
}

describe("verify: report", () => {
  it("prints plain lines with the status, the stack and check, what was found, and what to do after a failure", () => {
    expect(formatLine(passing, false)).toBe(`PASS  ${"hub targets".padEnd(34)} 5 of 5 up`);
    expect(formatLine(failing, false)).toBe(`FAIL  ${"edge-home-porch targets".padEnd(34)} 1 of 5 down: node-exporter 192.168.1.21:9100 (connection refused) → is the container running?`);
    expect(formatLine(skipped, false)).toMatch(/^SKIP  hub heartbeat\s+no heartbeat receiver/);
  });

  it("colours the status on a terminal, and nothing else in the text", () => {
    expect(formatLine(passing, true)).toBe(`\x1b[32mPASS\x1b[39m  ${"hub targets".padEnd(34)} 5 of 5 up`);
    expect(formatLine(failing, true)).toMatch(/^\x1b\[31mFAIL\x1b\[39m {2}edge-home-porch targets\s+1 of 5 down: .* \x1b\[2m→\x1b\[22m is the container running\?$/);
  });

  it("shows the running check on a terminal and replaces it with the result; plain output has no control codes", () => {
    const tty = capture(true);
    const r = textReporter(tty.out, true);
    r.started("hub", "targets");
    r.result(passing);
    r.finish([passing], {});
    expect(tty.text()).toMatch(/^\r\x1b\[2K\x1b\[2m\.\.\.\. {2}hub targets\s+checking\x1b\[22m\r\x1b\[2K\x1b\[32mPASS/);
    const plain = capture(false);
    const p = textReporter(plain.out, false);
    for (const result of [passing, failing, skipped]) {
      p.started(result.stack, result.check);
      p.result(result);
    }
    p.finish([passing, failing, skipped], {});
    expect(plain.text()).not.toMatch(/\x1b|\r/);
    expect(plain.text().split("\n")).toEqual([formatLine(passing, false), formatLine(failing, false), formatLine(skipped, false), "NOT HEALTHY: 1 of 3 checks passed, 1 failed, 1 not applicable", ""]);
  });

  it("uses colour only on a terminal without NO_COLOR, or with FORCE_COLOR", () => {
    expect(useColour({ write: () => {}, isTTY: true }, {})).toBe(true);
    expect(useColour({ write: () => {}, isTTY: false }, {})).toBe(false);
    expect(useColour({ write: () => {}, isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(useColour({ write: () => {}, isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
  });

  it("prints one JSON document with --json: the results, the counts and whether all passed", () => {
    const json = capture(false);
    const r = jsonReporter(json.out);
    r.started("hub", "targets");
    r.result(passing);
    r.result(failing);
    r.finish([passing, failing], { stacks: ["hub", "edge-home-porch"] });
    expect(JSON.parse(json.text())).toEqual({ stacks: ["hub", "edge-home-porch"], passed: 1, failed: 1, skipped: 0, ok: false, results: [passing, failing] });
  });
});
