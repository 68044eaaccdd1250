// The committed API reference (docs/api/, from the TSDoc of the library entry)
// is what typedoc makes of the code now: a changed prop or comment needs
// `npm run docs:api`. Slow tier: typedoc compiles the whole library (~10 s).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTool } from "../support/tools";
import { ROOT } from "../support/example";

describe("API reference", () => {
  let out: string;
  beforeAll(() => (out = mkdtempSync(join(tmpdir(), "api-"))));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("is fresh (run npm run docs:api)", () => {
    const { code, output } = runTool(join(ROOT, "node_modules", ".bin", "typedoc"), ["--out", out], ROOT);
    expect({ code, output }).toEqual({ code: 0, output: "" });
    expect(readFileSync(join(out, "README.md"), "utf8")).toBe(readFileSync(join(ROOT, "docs", "api", "README.md"), "utf8"));
  }, 120_000);
});
