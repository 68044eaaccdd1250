// Typed alert rules, one file per component; each component's mixin
// (constructs/) builds its file from these and its settings.
export * from "./alertmanager";
export * from "./blackbox-exporter";
export * from "./camera-hub";
export * from "./cameras";
export * from "./connectors";
export * from "./edge-agent";
export * from "./log-alerts";
export * from "./loki";
export * from "./node-exporter";
export * from "./prometheus";
export * from "./prometheus-agent";
export * from "./settings";
export * from "./types";
