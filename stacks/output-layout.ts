// Where a synth writes, from the inventory file, its deployment name and the
// environment (README, "Synth settings"). Only the committed example
// (inventory/sites.yaml) writes rendered/ and RUNBOOK.md at the top of the
// repository; another inventory writes under deployments/<name>/, so it never
// overwrites the example's review copy.
import { basename, dirname, extname, join, resolve } from "node:path";
import type { Inventory } from "../inventory/schema";
import type { SynthOutputs } from "./synth-app";

export const EXAMPLE_INVENTORY = "inventory/sites.yaml";

/** The environment variables that choose the inventory and the output directories. */
export type LayoutSettings = Readonly<Record<"INVENTORY" | "CDKTF_OUTDIR" | "RENDERED_DIR", string | undefined>> | NodeJS.ProcessEnv;

export function outputLayout(inventory: Inventory, settings: LayoutSettings): SynthOutputs {
  const env = settings as Partial<Record<"INVENTORY" | "CDKTF_OUTDIR" | "RENDERED_DIR", string>>;
  const inventoryFile = env.INVENTORY ?? EXAMPLE_INVENTORY;
  const isExample = resolve(inventoryFile) === resolve(EXAMPLE_INVENTORY);
  const own = join("deployments", inventory.hub.deployment ?? basename(inventoryFile, extname(inventoryFile)));
  const renderedDir = env.RENDERED_DIR ?? (isExample ? "rendered" : join(own, "rendered"));
  // cdktf's CLI passes its own output directory (cdktf.json "output") as CDKTF_OUTDIR.
  const outdir = env.CDKTF_OUTDIR ?? (isExample ? "cdktf.out" : join(own, "cdktf.out"));
  if (isExample && env.RENDERED_DIR === undefined) return { outdir, renderedDir, runbookFile: "RUNBOOK.md", writeSchema: true };
  // Beside the rendered files, but never over the committed example's RUNBOOK.md.
  const beside = join(dirname(renderedDir), "RUNBOOK.md");
  const runbookFile = resolve(beside) === resolve("RUNBOOK.md") ? join(dirname(renderedDir), `${basename(renderedDir)}.RUNBOOK.md`) : beside;
  return { outdir, renderedDir, runbookFile, writeSchema: false };
}
