import { Construct } from "constructs";
import { DURATION_PATTERN, SIZE_PATTERN } from "../inventory/schema";

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

  duration(prop: string, value: string): this {
    return this.require(value !== "" && DURATION_PATTERN.test(value), prop, "must be a Prometheus duration such as 30s, 15m or 30d", value);
  }

  size(prop: string, value: string): this {
    return this.require(SIZE_PATTERN.test(value), prop, "must be a size such as 512MB or 40GB", value);
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
