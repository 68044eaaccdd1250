import { Construct } from "constructs";
import { DURATION_RULE, isDuration, isSize, SIZE_RULE } from "./value-types";

/**
 * Collects every invalid prop of a construct and throws once, naming the
 * construct path and the value received: `hub/prometheus: retentionTime must ..., got "30x"`.
 */
export class PropProblems {
  private readonly problems: string[] = [];

  constructor(private readonly scope: Construct) {}

  require(ok: boolean, prop: string, rule: string, value: unknown): this {
    if (!ok) this.problems.push(`${prop} ${rule}, got ${JSON.stringify(value)}`);
    return this;
  }

  /** A problem phrased in full by the caller. */
  add(problem: string): this {
    this.problems.push(problem);
    return this;
  }

  duration(prop: string, value: string): this {
    return this.require(isDuration(value), prop, DURATION_RULE, value);
  }

  size(prop: string, value: string): this {
    return this.require(isSize(value), prop, SIZE_RULE, value);
  }

  range(prop: string, value: number, min: number, max: number): this {
    return this.require(Number.isInteger(value) && value >= min && value <= max, prop, `must be a whole number between ${min} and ${max}`, value);
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const path = this.scope.node.path;
    throw new Error(this.problems.map((p) => `${path}: ${p}`).join("\n"));
  }
}
