export * from "./types";
export * from "./render";
export * from "./stack-health";
export * from "./log-alerts";
