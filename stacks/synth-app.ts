// One run of the app: validate the inventory, build every stack in memory, then
// write cdktf.out/, rendered/ and the generated documents. A refused inventory
// writes nothing, not even the empty directory cdktf's App makes.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { App } from "cdktf";
import { HostConflictError } from "../constructs/docker-host-registry";
import { inventoryJsonSchema } from "../inventory/json-schema";
import { InventoryError, inventoryProblem, loadInventory } from "../inventory/load";
import type { Inventory } from "../inventory/schema";
import { securityWarnings } from "../security/warnings";
import { defineStacks, runbook } from "./app";
import { renderedFiles, writeRenderedFiles } from "./rendered-files";

/** Where one run writes. */
export interface SynthOutputs {
  /** cdktf's output directory: stacks/<name>/cdk.tf.json. */
  readonly outdir: string;
  /** The review copy of every config file: <stack>/<service>/<file>. */
  readonly renderedDir: string;
  /** Where this inventory's runbook goes. @default - not written */
  readonly runbookFile?: string;
  /** Also write inventory/inventory.schema.json (the same for every inventory). @default false */
  readonly writeSchema?: boolean;
}

export interface SynthOptions {
  readonly inventoryFile: string;
  /** Fixed, or chosen once the inventory (its deployment name) is known. */
  readonly outputs: SynthOutputs | ((inventory: Inventory) => SynthOutputs);
  /** Where operators' exported dashboards live. @default - dashboards/imported */
  readonly importedDashboardsDir?: string;
}

export type SynthResult = { readonly ok: true; readonly warnings: string[] } | { readonly ok: false; readonly refusal: string };

export function synthApp(options: SynthOptions): SynthResult {
  let inventory: Inventory | undefined;
  let outdirMade: string | undefined;
  try {
    // Everything is validated and built in memory before the first file is written.
    inventory = loadInventory(options.inventoryFile);
    const out = typeof options.outputs === "function" ? options.outputs(inventory) : options.outputs;
    const warnings = securityWarnings(inventory, options.inventoryFile);
    if (!existsSync(out.outdir)) outdirMade = out.outdir;
    const app = new App({ outdir: out.outdir });
    const stacks = defineStacks(app, inventory, options.importedDashboardsDir);
    const files = renderedFiles(app);
    app.synth();
    removeStaleStacks(out.outdir, [stacks.hub, ...stacks.edges, stacks.grafana].map((s) => s.node.id));
    writeRenderedFiles(out.renderedDir, files);
    // Documents generated from code; for the example they are committed and tests fail when they are stale.
    if (out.runbookFile) {
      mkdirSync(dirname(out.runbookFile), { recursive: true });
      writeFileSync(out.runbookFile, runbook(stacks.hub));
    }
    if (out.writeSchema) writeFileSync("inventory/inventory.schema.json", inventoryJsonSchema());
    return { ok: true, warnings };
  } catch (err) {
    if (outdirMade) rmSync(outdirMade, { recursive: true, force: true });
    const refusal = asRefusal(err, options.inventoryFile, inventory);
    if (refusal === undefined) throw err;
    return { ok: false, refusal };
  }
}

/**
 * Stacks of an earlier synth that this inventory no longer has (a removed node,
 * another deployment) leave the output directory, so nobody deploys them by
 * mistake. Their state files (terraform.<stack>.tfstate) are not touched.
 */
function removeStaleStacks(outdir: string, current: readonly string[]): void {
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) return;
  for (const name of readdirSync(stacksDir)) if (!current.includes(name)) rmSync(join(stacksDir, name), { recursive: true, force: true });
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
