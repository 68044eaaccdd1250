import { join } from "node:path";
import { parse, stringify } from "yaml";
import { readFileSync } from "node:fs";
import { parseInventory } from "../../inventory/load";
import type { Inventory } from "../../inventory/schema";

export const ROOT = join(__dirname, "..", "..");
export const EXAMPLE_FILE = join(ROOT, "inventory", "sites.yaml");

/** The example inventory's YAML as a plain object, for tests that change one field. */
export function exampleDocument(): Record<string, any> {
  return parse(readFileSync(EXAMPLE_FILE, "utf8"));
}

/** Validates a (modified) example document as if it were a file named `name`. */
export function inventoryFrom(doc: unknown, name = "test.yaml"): Inventory {
  return parseInventory(stringify(doc), name);
}

export function exampleInventory(): Inventory {
  return inventoryFrom(exampleDocument(), EXAMPLE_FILE);
}

/** The example plus the README's "Add a site" example: pull site barn, node loft, one camera and one sensor. */
export function grownDocument(): Record<string, any> {
  const doc = exampleDocument();
  doc.sites.push({
    name: "barn",
    mode: "pull",
    nodes: [{ name: "loft", dockerHost: "ssh://pi@barn-loft.home.arpa", address: "192.168.1.40", cameras: [{ name: "barn-door", address: "192.168.1.70", probe: "tcp", port: 554 }], sensors: [{ name: "barn-temperature", kind: "temperature" }] }],
  });
  return doc;
}
