export * from "./hub-scrape-jobs";
export * from "./hub-stack";
