// cdktf's floor for `npm run bench`: synthesizes, in this fresh process, a bare
// cdktf App that rebuilds the stacks of a project synth literally
// (scripts/floor/literal-stack.ts), so bench.ts can time it beside the project.
//   node dist/scripts/bench-floor.js <project outdir> <floor outdir>
// bench.ts checks afterwards that both outputs are equivalent (scripts/floor/equivalence.ts).
import { floorApp } from "./floor/floor-app";

const [projectOutdir, floorOutdir] = process.argv.slice(2);
if (!projectOutdir || !floorOutdir) {
  console.error("usage: node dist/scripts/bench-floor.js <project outdir> <floor outdir>");
  process.exitCode = 1;
} else {
  floorApp(projectOutdir, floorOutdir).synth();
}
