import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { DockerService } from "../constructs/docker-service";

/**
 * Every generated config file of the app, keyed by `<stack>/<service>/<file>`,
 * exactly as uploaded (secrets as `${var.NAME}` placeholders).
 */
export function renderedFiles(root: IConstruct): Map<string, string> {
  const files = new Map<string, string>();
  for (const construct of root.node.findAll()) {
    if (!(construct instanceof DockerService)) continue;
    const stack = TerraformStack.of(construct).node.id;
    for (const file of construct.files) {
      const key = `${stack}/${construct.serviceName}/${file.renderedName}`;
      if (files.has(key)) throw new Error(`${construct.node.path}: two services render ${key}`);
      files.set(key, file.content);
    }
  }
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Replaces `dir` with the given files, so files of removed services disappear too. */
export function writeRenderedFiles(dir: string, files: Map<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  // Each directory once: a service has several files, and mkdir is a system call per level.
  const made = new Set<string>();
  for (const [key, content] of files) {
    const path = join(dir, key);
    const parent = dirname(path);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    writeFileSync(path, content);
  }
}
