// Entry point of `npm run synth` and of cdktf's `app` command: validates the
// inventory, synthesizes every stack and writes the review copy of every
// generated config file, the runbook and (for the example) the inventory's JSON
// Schema. Where each goes: stacks/output-layout.ts; how: stacks/synth-app.ts.
import { EXAMPLE_INVENTORY, outputLayout } from "./stacks/output-layout";
import { synthApp, SynthOutputs } from "./stacks/synth-app";

let written: SynthOutputs | undefined;
const result = synthApp({ inventoryFile: process.env.INVENTORY ?? EXAMPLE_INVENTORY, outputs: (inventory) => (written = outputLayout(inventory, process.env)) });
if (result.ok) {
  for (const warning of result.warnings) console.warn(warning);
  if (written && !written.writeSchema) console.warn(`wrote ${written.outdir}/, ${written.renderedDir}/ and ${written.runbookFile}; inventory/inventory.schema.json left as it is.`);
} else {
  // A refused inventory is the operator's input, not a crash: print it plainly.
  console.error(result.refusal);
  process.exit(1);
}
