// Entry point of `npm run synth` and of cdktf's `app` command: validates the
// inventory, synthesizes every stack into cdktf.out/ and writes the review copy
// of every generated config file to rendered/, plus RUNBOOK.md and the
// inventory's JSON Schema (stacks/synth-app.ts).
import { synthApp } from "./stacks/synth-app";

const result = synthApp({
  inventoryFile: process.env.INVENTORY ?? "inventory/sites.yaml",
  outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
  renderedDir: process.env.RENDERED_DIR ?? "rendered",
  writeDocuments: !process.env.RENDERED_DIR,
});
if (result.ok) for (const warning of result.warnings) console.warn(warning);
else {
  // A refused inventory is the operator's input, not a crash: print it plainly.
  console.error(result.refusal);
  process.exit(1);
}
