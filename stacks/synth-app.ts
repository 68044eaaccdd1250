// One run of the app: validate the inventory, build every stack in memory, then
// write cdktf.out/, rendered/ and the generated documents. A refused inventory
// writes nothing, not even the empty directory cdktf's App makes.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { App } from "cdktf";
import { HostConflictError } from "../constructs/docker-host-registry";
import { inventoryJsonSchema } from "../inventory/json-schema";
import { InventoryError, inventoryProblem, loadInventory } from "../inventory/load";
import type { Inventory } from "../inventory/schema";
import { securityWarnings } from "../security/warnings";
import { defineStacks, runbook } from "./app";
import { renderedFiles, writeRenderedFiles } from "./rendered-files";

export interface SynthOptions {
  readonly inventoryFile: string;
  readonly outdir: string;
  readonly renderedDir: string;
  /** Where this inventory's runbook goes. @default - not written */
  readonly runbookFile?: string;
  /** Also write inventory/inventory.schema.json (the same for every inventory). @default false */
  readonly writeSchema?: boolean;
  /** Where operators' exported dashboards live. @default - dashboards/imported */
  readonly importedDashboardsDir?: string;
}

export type SynthResult = { readonly ok: true; readonly warnings: string[] } | { readonly ok: false; readonly refusal: string };

export function synthApp(options: SynthOptions): SynthResult {
  const outdirExisted = existsSync(options.outdir);
  let inventory: Inventory | undefined;
  try {
    // Everything is validated and built in memory before the first file is written.
    inventory = loadInventory(options.inventoryFile);
    const warnings = securityWarnings(inventory, options.inventoryFile);
    const app = new App({ outdir: options.outdir });
    defineStacks(app, inventory, options.importedDashboardsDir);
    const files = renderedFiles(app);
    app.synth();
    writeRenderedFiles(options.renderedDir, files);
    // Documents generated from code; for the example they are committed and tests fail when they are stale.
    if (options.runbookFile) writeFileSync(options.runbookFile, runbook(inventory));
    if (options.writeSchema) writeFileSync("inventory/inventory.schema.json", inventoryJsonSchema());
    return { ok: true, warnings };
  } catch (err) {
    if (!outdirExisted) rmSync(options.outdir, { recursive: true, force: true });
    const refusal = asRefusal(err, options.inventoryFile, inventory);
    if (refusal === undefined) throw err;
    return { ok: false, refusal };
  }
}

/** The plain message for refused input, or undefined for a bug (which keeps its stack trace). */
function asRefusal(err: unknown, file: string, inventory: Inventory | undefined): string | undefined {
  if (err instanceof InventoryError) return err.message;
  if (!(err instanceof HostConflictError)) return undefined;
  // A connector is the one container the inventory names: point at it.
  const paths = [err.owner, err.other].map((c) => ` ${c.node.path.split("/").join(" ")} `);
  const index = inventory?.connectors.findIndex((c) => paths.some((path) => path.includes(` connectors ${c.name} `))) ?? -1;
  const problem = index >= 0 ? inventoryProblem(file, ["connectors", index, "name"], `${err.message}; choose a name no other container of the hub has`) : `${file}: ${err.message}`;
  return new InventoryError(file, [problem]).message;
}
