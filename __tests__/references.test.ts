// references/*.json are what scripts/extract-config-references.ts makes of the
// upstream documents, byte for byte. The documents are not in the repository: set
// CONFIG_REFERENCES_DIR to a directory laid out as scripts/fetch-config-references.sh
// writes it (.ci/run sets it when CI has the documents beside the checkout);
// without it, or for a reference whose documents it lacks, the check is skipped
// and says so.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { missingInputs, REFERENCE_SOURCES, serialize } from "../scripts/extract-config-references";
import { ROOT } from "./support/example";

const DIR = process.env.CONFIG_REFERENCES_DIR;

describe("references/ against the upstream documents", () => {
  const skipped: string[] = [];
  for (const source of Object.values(REFERENCE_SOURCES)) {
    const missing = DIR ? missingInputs(source, DIR) : source.inputs;
    if (missing.length > 0) skipped.push(`references/${source.file} (${DIR ? `${DIR} has no ${missing.join(", ")}` : "CONFIG_REFERENCES_DIR is not set"})`);
    (missing.length > 0 ? it.skip : it)(`references/${source.file} is what the script extracts from ${source.inputs.join(", ")}`, () => {
      expect(serialize(source.extract(DIR!))).toBe(readFileSync(join(ROOT, "references", source.file), "utf8"));
    });
  }
  if (skipped.length > 0) console.warn(`Regeneration check skipped for ${skipped.join("; ")}.`);
});
