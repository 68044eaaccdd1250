// What the floor reads from a synthesized output directory: cdktf's manifest
// (stacks, their files and dependencies) and the parsed cdk.tf.json documents.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type JsonObject = { [key: string]: unknown };

/** cdktf's own metadata key: rewritten by every synth, never copied as an attribute. */
export const CDKTF_METADATA_KEY = "//";

/** The part of cdktf's manifest.json the floor reads. */
export interface ManifestStack {
  readonly name: string;
  readonly synthesizedStackPath: string;
  readonly dependencies: readonly string[];
}

export function readManifestStacks(outdir: string): ManifestStack[] {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, ManifestStack> };
  return Object.values(manifest.stacks);
}

export function readStackDocument(outdir: string, stack: ManifestStack): JsonObject {
  return JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8")) as JsonObject;
}
