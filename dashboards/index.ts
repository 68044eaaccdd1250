export * from "./common";
export * from "./panels";
