// App entry "home-observability/stacks": the stacks an inventory describes.
export * from "./app";
export * from "./edge-node-stack";
export * from "./grafana-stack";
export * from "./hub-stack";
export * from "./synth-app";
export * from "./output-layout";
