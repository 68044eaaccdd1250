// Entry point of `npm run synth` and of cdktf's `app` command: validates the
// inventory, synthesizes every stack into cdktf.out/ and writes the review copy
// of every generated config file to rendered/, plus RUNBOOK.md and the
// inventory's JSON Schema.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { App } from "cdktf";
import { HostConflictError } from "./constructs/docker-host-registry";
import { inventoryJsonSchema } from "./inventory/json-schema";
import { InventoryError, inventoryProblem, loadInventory } from "./inventory/load";
import type { Inventory } from "./inventory/schema";
import { securityWarnings } from "./security/warnings";
import { defineStacks, runbook } from "./stacks/app";
import { renderedFiles, writeRenderedFiles } from "./stacks/rendered-files";

const inventoryFile = process.env.INVENTORY ?? "inventory/sites.yaml";
const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
const renderedDir = process.env.RENDERED_DIR ?? "rendered";
// A refused inventory writes nothing, not even the empty directory cdktf's App makes.
const outdirExisted = existsSync(outdir);

let inventory: Inventory | undefined;
try {
  // Everything is validated and built in memory before the first file is written.
  inventory = loadInventory(inventoryFile);
  for (const warning of securityWarnings(inventory, inventoryFile)) console.warn(warning);
  const app = new App({ outdir });
  defineStacks(app, inventory);
  const files = renderedFiles(app);
  app.synth();
  writeRenderedFiles(renderedDir, files);
  if (!process.env.RENDERED_DIR) {
    // Committed documents generated from code; tests fail when they are stale.
    writeFileSync("RUNBOOK.md", runbook(inventory));
    writeFileSync("inventory/inventory.schema.json", inventoryJsonSchema());
  }
} catch (err) {
  if (!outdirExisted) rmSync(outdir, { recursive: true, force: true });
  // An invalid inventory is the operator's input, not a crash: print it plainly.
  const refusal = asRefusal(err);
  if (refusal === undefined) throw err;
  console.error(refusal);
  process.exit(1);
}

/** The plain message for a refused input, or undefined for a bug (which keeps its stack trace). */
function asRefusal(err: unknown): string | undefined {
  if (err instanceof InventoryError) return err.message;
  if (err instanceof HostConflictError && inventory) {
    // A connector is the one container the inventory names; point at it.
    const names = [err.owner, err.other].map((c) => c.node.path);
    const index = inventory.connectors.findIndex((c) => names.some((path) => path.split("/").join(" ").includes(` connectors ${c.name} `)));
    if (index >= 0)
      return new InventoryError(inventoryFile, [
        inventoryProblem(inventoryFile, ["connectors", index, "name"], `${err.message}: choose a connector name no other container of the hub has`),
      ]).message;
    return `${inventoryFile}: ${err.message}`;
  }
  return undefined;
}
