// Entry point of `npm run synth` and of cdktf's `app` command: validates the
// inventory, synthesizes every stack into cdktf.out/ and writes the review copy
// of every generated config file to rendered/, plus RUNBOOK.md and the
// inventory's JSON Schema. With RENDERED_DIR set, RUNBOOK.md goes beside that
// directory instead and the committed JSON Schema is left alone (README, "Synth").
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { App } from "cdktf";
import { inventoryJsonSchema } from "./inventory/json-schema";
import { InventoryError, loadInventory } from "./inventory/load";
import { securityWarnings } from "./security/warnings";
import { defineStacks, runbook } from "./stacks/app";
import { renderedFiles, writeRenderedFiles } from "./stacks/rendered-files";

const inventoryFile = process.env.INVENTORY ?? "inventory/sites.yaml";
const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
const renderedDir = process.env.RENDERED_DIR ?? "rendered";

try {
  // Everything is validated and built in memory before the first file is written.
  const inventory = loadInventory(inventoryFile);
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
  } else {
    // Output elsewhere: the runbook of this inventory beside its rendered files; the
    // schema (the same for every inventory) stays as committed.
    const runbookFile = join(dirname(renderedDir), "RUNBOOK.md");
    writeFileSync(runbookFile, runbook(inventory));
    console.warn(`RENDERED_DIR is set: wrote ${renderedDir}/ and ${runbookFile}; inventory/inventory.schema.json left as it is.`);
  }
} catch (err) {
  // An invalid inventory is the operator's input, not a crash: print it plainly.
  if (err instanceof InventoryError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
