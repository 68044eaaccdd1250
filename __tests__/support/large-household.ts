import { join } from "node:path";
import { loadInventory } from "../../inventory/load";
import type { Inventory } from "../../inventory/schema";
import { ROOT } from "./example";

/** The second example: every option of README "When one hub is not enough". */
export const LARGE_HOUSEHOLD_FILE = join(ROOT, "examples", "large-household", "sites.yaml");

export function largeHouseholdInventory(): Inventory {
  return loadInventory(LARGE_HOUSEHOLD_FILE);
}

/**
 * A named deployment's stacks carry its name first (large-household-hub: its own
 * Terraform state). Tests speak of them by their plain names.
 */
export function plainStackName(name: string, inventory: Inventory = largeHouseholdInventory()): string {
  const prefix = `${inventory.hub.deployment}-`;
  return inventory.hub.deployment && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** Rendered files keyed by `<plain stack>/<service>/<file>`. */
export function withPlainStackNames(rendered: ReadonlyMap<string, string>, inventory: Inventory = largeHouseholdInventory()): Map<string, string> {
  return new Map([...rendered].map(([key, content]) => [plainStackName(key, inventory), content]));
}
