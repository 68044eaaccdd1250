// Library entry of the package: `import { Prometheus, NodeExporter, ... } from "home-observability"`.
// The app built on it has its own entries: "home-observability/inventory" and "home-observability/stacks".
export * from "./constructs";
export { IMAGES } from "./versions";
