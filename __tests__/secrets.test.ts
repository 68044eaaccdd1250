// Secret values given to Terraform must never reach cdk.tf.json or rendered/:
// synthesize with every variable set in the environment, then search the output.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { defineStacks } from "../stacks/app";
import { renderedFiles } from "../stacks/rendered-files";
import { exampleInventory } from "./support/example";
import { filesUnder } from "./support/files";


describe("secrets", () => {
  const outdir = mkdtempSync(join(tmpdir(), "secrets-"));
  const values = new Map<string, string>();
  let rendered: Map<string, string>;
  let variables: string[];

  beforeAll(() => {
    const app = new App({ outdir });
    defineStacks(app, exampleInventory());
    rendered = renderedFiles(app);
    app.synth();
    // A variable may be declared by several stacks (grafana_admin_password: hub and grafana).
    variables = [
      ...new Set(
        filesUnder(outdir)
          .filter((f) => f.endsWith("cdk.tf.json"))
          .flatMap((f) => Object.keys(JSON.parse(readFileSync(f, "utf8")).variable ?? {})),
      ),
    ];
    // What an operator exports before `cdktf deploy`; synth runs again to prove it ignores them.
    for (const name of variables) {
      values.set(name, `S3cr3t-${name}-${Math.random().toString(36).slice(2)}`);
      process.env[`TF_VAR_${name}`] = values.get(name);
    }
    const again = new App({ outdir });
    defineStacks(again, exampleInventory());
    rendered = renderedFiles(again);
    again.synth();
  });
  afterAll(() => {
    for (const name of values.keys()) delete process.env[`TF_VAR_${name}`];
    rmSync(outdir, { recursive: true, force: true });
  });

  it("are all sensitive Terraform variables", () => {
    expect(variables.length).toBeGreaterThan(0);
    for (const file of filesUnder(outdir).filter((f) => f.endsWith("cdk.tf.json")))
      for (const [name, v] of Object.entries<Record<string, unknown>>(JSON.parse(readFileSync(file, "utf8")).variable ?? {}))
        expect({ name, sensitive: v.sensitive }).toEqual({ name, sensitive: true });
  });

  it("appear nowhere in cdktf.out/ or rendered/", () => {
    const texts = [...filesUnder(outdir).map((f) => readFileSync(f, "utf8")), ...rendered.values()];
    for (const [name, value] of values) expect({ name, leaked: texts.some((t) => t.includes(value)) }).toEqual({ name, leaked: false });
  });

  it("stand in rendered files only as ${var.NAME} placeholders", () => {
    const secretFiles = [...rendered.entries()].filter(([key]) => key.includes("/secrets/"));
    expect(secretFiles.length).toBe(variables.length);
    for (const [key, content] of secretFiles) expect(content).toBe(`\${var.${key.split("/").pop()}}`);
  });
});
