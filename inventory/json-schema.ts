import { z } from "zod";
import { inventorySchema } from "./schema";

/** JSON Schema of the inventory for editors (inventory/inventory.schema.json). */
export function inventoryJsonSchema(): string {
  const schema = z.toJSONSchema(inventorySchema, { io: "input", unrepresentable: "any" });
  return JSON.stringify({ ...schema, title: "home-observability inventory" }, null, 2) + "\n";
}
