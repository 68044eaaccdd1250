export * from "./hub-scrape-jobs";
export * from "./hub-stack";
export * from "./edge-node-stack";
export * from "./node-scrape-jobs";
