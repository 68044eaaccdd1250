export * from "./common";
export * from "./frames";
