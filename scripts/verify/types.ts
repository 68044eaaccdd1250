// What a check is and what it reports: one line each, pass/fail/skip, with what
// to do when it fails.

export type Status = "pass" | "fail" | "skip";

export interface Outcome {
  readonly status: Status;
  /** What was found: counts, ages, the names of what is down and why. */
  readonly detail: string;
  /** What to do about a failure. */
  readonly fix?: string;
}

export interface CheckResult extends Outcome {
  /** The stack the check belongs to: hub, edge-<site>-<node>, grafana, or "drill". */
  readonly stack: string;
  readonly check: string;
  readonly durationMs: number;
}

export interface Check<C> {
  readonly stack: string;
  readonly name: string;
  run(ctx: C): Promise<Outcome>;
}

export const pass = (detail: string): Outcome => ({ status: "pass", detail });
export const fail = (detail: string, fix: string): Outcome => ({ status: "fail", detail, fix });
/** Not applicable to this deployment (no push sites, no heartbeat receiver, a lab site without TLS). */
export const skip = (detail: string): Outcome => ({ status: "skip", detail });

/**
 * A failure with what to do about it; a check that throws one reports it as its
 * line. Anything else thrown is reported with its message.
 */
export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly fix: string,
    /** The service did not answer or refused the credentials: later calls to it are not tried. */
    readonly blocking = false,
  ) {
    super(message);
    this.name = "CheckFailure";
  }
}

/** Bad arguments, an invalid inventory, no outputs: nothing could be checked (exit code 2). */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SetupError";
  }
}
