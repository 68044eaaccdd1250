import { join } from "node:path";
import { loadInventory } from "../../inventory/load";
import type { Inventory } from "../../inventory/schema";
import { ROOT } from "./example";

/** The second example: every option of README "When one hub is not enough". */
export const LARGE_HOUSEHOLD_FILE = join(ROOT, "examples", "large-household", "sites.yaml");

export function largeHouseholdInventory(): Inventory {
  return loadInventory(LARGE_HOUSEHOLD_FILE);
}
