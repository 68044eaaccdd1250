// App entry "home-observability/inventory": the YAML front end that maps to the components' props.
export { InventoryError, loadInventory, parseInventory } from "./load";
export { inventorySchema } from "./schema";
export type { Camera, EdgeNode, Inventory, Receiver, Site } from "./schema";
