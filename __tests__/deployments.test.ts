// A second deployment (a second inventory, say the parents' house): its own stack
// names, hence its own Terraform state, and its own output directories.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { outputLayout } from "../stacks/output-layout";
import { synthApp } from "../stacks/synth-app";
import { exampleDocument, exampleInventory } from "./support/example";

describe("a second deployment", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "deployments-"))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, doc: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, stringify(doc));
    return file;
  };
  const statePaths = (outdir: string) =>
    Object.fromEntries(readdirSync(join(outdir, "stacks")).map((s) => [s, JSON.parse(readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8")).terraform.backend.local.path as string]));

  it("names its stacks, and so its state, after the deployment, and removes the other's stacks from a shared output directory", () => {
    const outdir = join(dir, "cdktf.out");
    const home = synthApp({ inventoryFile: write("home.yaml", exampleDocument()), outputs: { outdir, renderedDir: join(dir, "home-rendered") } });
    expect(home.ok).toBe(true);
    const homeStates = statePaths(outdir);
    expect(Object.keys(homeStates).sort()).toEqual(["edge-cabin-lodge", "edge-home-garage", "edge-home-porch", "grafana", "hub"]);

    const parents = exampleDocument();
    parents.hub.deployment = "parents";
    expect(synthApp({ inventoryFile: write("parents.yaml", parents), outputs: { outdir, renderedDir: join(dir, "parents-rendered") } }).ok).toBe(true);
    const parentStates = statePaths(outdir);
    expect(Object.keys(parentStates).sort()).toEqual(["parents-edge-cabin-lodge", "parents-edge-home-garage", "parents-edge-home-porch", "parents-grafana", "parents-hub"]);
    // No state file of one deployment is another's.
    expect(Object.values(parentStates).filter((p) => Object.values(homeStates).includes(p))).toEqual([]);
    // Grafana's stack uploads no files: the others render theirs under their new names.
    expect(readdirSync(join(dir, "parents-rendered")).sort()).toEqual(Object.keys(parentStates).filter((s) => s !== "parents-grafana").sort());
  });

  it("writes another inventory's files under deployments/<name>/, never the committed example's", () => {
    const named = { ...exampleInventory(), hub: { ...exampleInventory().hub, deployment: "parents" } };
    expect(outputLayout(exampleInventory(), {})).toEqual({ outdir: "cdktf.out", renderedDir: "rendered", runbookFile: "RUNBOOK.md", writeSchema: true });
    expect(outputLayout(named, { INVENTORY: "inventory/parents.yaml" })).toEqual({
      outdir: join("deployments", "parents", "cdktf.out"),
      renderedDir: join("deployments", "parents", "rendered"),
      runbookFile: join("deployments", "parents", "RUNBOOK.md"),
      writeSchema: false,
    });
    // Unnamed: the file's name.
    expect(outputLayout(exampleInventory(), { INVENTORY: "/srv/cabin.yaml" }).renderedDir).toBe(join("deployments", "cabin", "rendered"));
    // cdktf's CLI passes its output directory.
    expect(outputLayout(named, { INVENTORY: "x.yaml", CDKTF_OUTDIR: "cdktf.out" }).outdir).toBe("cdktf.out");
    // A rendered directory at the top: the runbook beside it would be the example's, so it is named after it.
    expect(outputLayout(exampleInventory(), { RENDERED_DIR: "review" }).runbookFile).toBe("review.RUNBOOK.md");
    expect(outputLayout(exampleInventory(), { RENDERED_DIR: "/tmp/x/rendered" }).runbookFile).toBe("/tmp/x/RUNBOOK.md");
  });
});
