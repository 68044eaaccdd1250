// rendered/ and RUNBOOK.md are committed for review; they must be exactly what
// `npm run synth` produces from the example inventory.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { App } from "cdktf";
import { defineStacks, runbook } from "../stacks/app";
import { renderedFiles } from "../stacks/rendered-files";
import { exampleInventory, ROOT } from "./support/example";
import { filesUnder } from "./support/files";


describe("committed generated files", () => {
  it("rendered/ matches the example inventory (run npm run synth and commit rendered/)", () => {
    const app = new App({ outdir: join(ROOT, "cdktf.out") });
    defineStacks(app, exampleInventory());
    const expected = Object.fromEntries(renderedFiles(app));
    const dir = join(ROOT, "rendered");
    const actual = Object.fromEntries(filesUnder(dir).map((f) => [relative(dir, f), readFileSync(f, "utf8")]));
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const key of Object.keys(expected)) expect({ file: key, content: actual[key] }).toEqual({ file: key, content: expected[key] });
  });

  it("RUNBOOK.md matches the alert rules (run npm run synth)", () => {
    expect(readFileSync(join(ROOT, "RUNBOOK.md"), "utf8")).toBe(runbook(defineStacks(new App(), exampleInventory()).hub));
  });
});
