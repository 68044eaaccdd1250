import { exampleInventory } from "./support/example";
import { ruleFilesOf } from "./support/generated";
import { logqlErrors, promqlErrors } from "./support/grammars";

const rules = ruleFilesOf(exampleInventory());
const exprs = (files: { groups: readonly { rules: readonly { alert: string; expr: string }[] }[] }[]) =>
  files.flatMap((f) => f.groups.flatMap((g) => g.rules.map((r) => [r.alert, r.expr])));

describe("rule expressions parse with the official grammars", () => {
  it.each(exprs(rules.prometheus))("PromQL of %s: %s", (_alert, expr) => {
    expect(promqlErrors(expr)).toEqual([]);
  });

  it.each(exprs(rules.loki))("LogQL of %s: %s", (_alert, expr) => {
    expect(logqlErrors(expr)).toEqual([]);
  });

  it("fails when an expression has a typo", () => {
    expect(promqlErrors("increase(up[5m] > 0")).not.toEqual([]);
    expect(logqlErrors('count_over_time({severity="critical"[5m])')).not.toEqual([]);
  });
});
