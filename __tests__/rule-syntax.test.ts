import { logAlertRules, stackHealthRules } from "../alert-rules";
import { logqlErrors, promqlErrors } from "./support/grammars";

describe("rule expressions parse with the official grammars", () => {
  it.each(stackHealthRules().groups.flatMap((g) => g.rules).map((r) => [r.alert, r.expr]))("PromQL of %s", (_alert, expr) => {
    expect(promqlErrors(expr)).toEqual([]);
  });

  it.each(logAlertRules().groups.flatMap((g) => g.rules).map((r) => [r.alert, r.expr]))("LogQL of %s", (_alert, expr) => {
    expect(logqlErrors(expr)).toEqual([]);
  });

  it("fails when an expression has a typo", () => {
    expect(promqlErrors("increase(up[5m] > 0")).not.toEqual([]);
    expect(logqlErrors('count_over_time({severity="critical"[5m])')).not.toEqual([]);
  });
});
