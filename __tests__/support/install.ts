// Puts a service's rendered files where a test process can read them: the
// container's config directory becomes a temp directory (in paths inside the
// files too), and placeholders get the test credentials' values.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fillPlaceholders, Placeholder } from "../../constructs/config/terraform-content";
import { filesUnder } from "./files";

/**
 * Writes every rendered file under `<stack>/<service>/` into `targetDir`,
 * replacing `containerDir` with `targetDir` in contents. Returns the written paths by rendered name.
 */
export function installService(
  rendered: ReadonlyMap<string, string>,
  service: string,
  containerDir: string,
  targetDir: string,
  value: (placeholder: Placeholder) => string,
): Map<string, string> {
  const written = new Map<string, string>();
  const prefix = `${service}/`;
  for (const [key, content] of rendered) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    const path = join(targetDir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, fillPlaceholders(content.split(`${containerDir}/`).join(`${targetDir}/`), value));
    written.set(name, path);
  }
  if (written.size === 0) throw new Error(`no rendered files under ${prefix}`);
  return written;
}

/** rendered/ as committed, keyed like renderedFiles(): `<stack>/<service>/<file>`. */
export function renderedOnDisk(root = join(__dirname, "..", "..", "rendered")): Map<string, string> {
  return new Map(filesUnder(root).map((path) => [relative(root, path), readFileSync(path, "utf8")]));
}
