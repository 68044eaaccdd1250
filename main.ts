// Entry point of `npm run synth` and of cdktf's `app` command: validates the
// inventory, synthesizes every stack into cdktf.out/ and writes the review copy
// of every generated config file to rendered/, plus RUNBOOK.md and the
// inventory's JSON Schema (stacks/synth-app.ts). With RENDERED_DIR set, the
// runbook goes beside that directory and the committed schema is left alone
// (README, "Synth settings").
import { basename, dirname, join, resolve } from "node:path";
import { synthApp } from "./stacks/synth-app";

const renderedDir = process.env.RENDERED_DIR ?? "rendered";
const elsewhere = process.env.RENDERED_DIR !== undefined;
// Beside the rendered files, but never over the committed example's RUNBOOK.md.
const beside = join(dirname(renderedDir), "RUNBOOK.md");
const runbookFile = !elsewhere ? "RUNBOOK.md" : resolve(beside) === resolve("RUNBOOK.md") ? join(renderedDir, "..", `${basename(renderedDir)}.RUNBOOK.md`) : beside;

const result = synthApp({
  inventoryFile: process.env.INVENTORY ?? "inventory/sites.yaml",
  outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
  renderedDir,
  runbookFile,
  writeSchema: !elsewhere,
});
if (result.ok) {
  for (const warning of result.warnings) console.warn(warning);
  if (elsewhere) console.warn(`RENDERED_DIR is set: wrote ${renderedDir}/ and ${runbookFile}; inventory/inventory.schema.json left as it is.`);
} else {
  // A refused inventory is the operator's input, not a crash: print it plainly.
  console.error(result.refusal);
  process.exit(1);
}
