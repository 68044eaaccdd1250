// One line per check: status, stack, check, what was found, and after a failure
// what to do. Colour only on a terminal (and not with NO_COLOR); while a check
// runs, a terminal shows its name on the line it will take. --json prints one
// document at the end instead.
import type { CheckResult, Status } from "./types";

export interface Output {
  write(text: string): void;
  readonly isTTY?: boolean;
}

const COLOURS: Record<Status | "dim", [string, string]> = {
  pass: ["\x1b[32m", "\x1b[39m"],
  fail: ["\x1b[31m", "\x1b[39m"],
  skip: ["\x1b[33m", "\x1b[39m"],
  dim: ["\x1b[2m", "\x1b[22m"],
};
const LABEL: Record<Status, string> = { pass: "PASS", fail: "FAIL", skip: "SKIP" };

export function formatLine(r: CheckResult, colour: boolean): string {
  const paint = (kind: keyof typeof COLOURS, text: string) => (colour ? `${COLOURS[kind][0]}${text}${COLOURS[kind][1]}` : text);
  const where = `${r.stack} ${r.check}`.padEnd(34);
  const fix = r.status === "fail" && r.fix ? ` ${paint("dim", "→")} ${r.fix}` : "";
  return `${paint(r.status, LABEL[r.status])}  ${where} ${r.detail}${fix}`;
}

export function summarize(results: readonly CheckResult[]): { passed: number; failed: number; skipped: number; ok: boolean } {
  const count = (s: Status) => results.filter((r) => r.status === s).length;
  return { passed: count("pass"), failed: count("fail"), skipped: count("skip"), ok: count("fail") === 0 };
}

export interface Reporter {
  /** A check starts (a terminal shows it until its result replaces it). */
  started(stack: string, check: string): void;
  result(r: CheckResult): void;
  finish(results: readonly CheckResult[], header: Readonly<Record<string, unknown>>): void;
}

export function textReporter(out: Output, colour: boolean): Reporter {
  const live = out.isTTY === true;
  return {
    started(stack, check) {
      if (live) out.write(`\r\x1b[2K${colour ? COLOURS.dim[0] : ""}....  ${`${stack} ${check}`.padEnd(34)} checking${colour ? COLOURS.dim[1] : ""}`);
    },
    result(r) {
      out.write(`${live ? "\r\x1b[2K" : ""}${formatLine(r, colour)}\n`);
    },
    finish(results) {
      const s = summarize(results);
      const text = `${s.ok ? "all checks pass" : "NOT HEALTHY"}: ${s.passed} of ${results.length} checks passed, ${s.failed} failed${s.skipped > 0 ? `, ${s.skipped} not applicable` : ""}`;
      out.write(`${colour ? COLOURS[s.ok ? "pass" : "fail"][0] : ""}${text}${colour ? COLOURS.pass[1] : ""}\n`);
    },
  };
}

export function jsonReporter(out: Output): Reporter {
  return {
    started() {},
    result() {},
    finish(results, header) {
      out.write(`${JSON.stringify({ ...header, ...summarize(results), results }, null, 2)}\n`);
    },
  };
}

/** Colour when writing to a terminal, unless NO_COLOR is set (FORCE_COLOR forces it). */
export function useColour(out: Output, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return out.isTTY === true;
}
