// The floor app: a bare cdktf App holding every stack of a synthesized output
// directory, rebuilt literally (literal-stack.ts), with the same stack
// dependencies as the project's manifest.
import { App } from "cdktf";
import { addLiteralStack, LiteralStackError } from "./literal-stack";
import { readManifestStacks, readStackDocument } from "./synth-output";

/** Builds (does not synthesize) the floor of `projectOutdir`'s stacks, writing to `floorOutdir`. */
export function floorApp(projectOutdir: string, floorOutdir: string): App {
  const app = new App({ outdir: floorOutdir });
  const manifestStacks = readManifestStacks(projectOutdir);
  const stacks = new Map(manifestStacks.map((s) => [s.name, addLiteralStack(app, s.name, readStackDocument(projectOutdir, s))]));
  for (const s of manifestStacks) {
    for (const name of s.dependencies) {
      const dependency = stacks.get(name);
      if (!dependency) throw new LiteralStackError(`${s.name} depends on ${name}, which the manifest does not list`);
      stacks.get(s.name)!.addDependency(dependency);
    }
  }
  return app;
}
