// Camera dark → pager with the production intervals (docs/alert-latency.md), read
// from the committed rendered files (rendered.test.ts keeps them what synth makes).
// The e2e suite runs the same path, test-scaled, on the real binaries.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { cameraOfflinePath, outlastsGroupWait, worstCaseSeconds } from "./support/camera-latency";
import { ROOT } from "./support/example";
import { filesUnder } from "./support/files";

const dir = join(ROOT, "rendered");
const path = cameraOfflinePath(new Map(filesUnder(dir).map((f) => [relative(dir, f), readFileSync(f, "utf8")])));

describe("a camera going dark, with the production intervals", () => {
  it("reaches the pager within 60 s: window + evaluation + for + critical group_wait", () => {
    expect(path).toEqual({ probeInterval: 15, probeTimeout: 5, window: 36, failedProbes: 2, evaluation: 5, for: 0, groupWait: 10, keepFiringFor: 15 });
    expect(worstCaseSeconds(path)).toBe(51);
    expect(worstCaseSeconds(path)).toBeLessThanOrEqual(60);
  });

  it("needs two failed probes in a row, and the window always holds a dark camera's last two", () => {
    expect(path.failedProbes).toBeGreaterThanOrEqual(2);
    // The newest landed sample is at most an interval plus a timeout old; the one before it one interval older.
    expect(path.window).toBeGreaterThan(2 * path.probeInterval + path.probeTimeout);
  });

  it("evaluates inside the time two misses and the next good probe leave to see them", () => {
    // The window drops the last good probe before the misses, and the good probe after them arrives, 3 intervals apart.
    expect(path.evaluation).toBeLessThan(3 * path.probeInterval - path.window);
  });

  it("keeps two misses and a quick recovery firing until Alertmanager's first flush, so they are told", () => {
    expect(outlastsGroupWait(path)).toBe(true);
  });
});
