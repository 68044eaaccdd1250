/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>"],
  testMatch: ["**/__tests__/**/*.test.ts"],
  // `npm run test:fast` (TEST_TIER=fast) leaves out __tests__/real/: every suite that
  // runs a real binary or process. `npm test` runs everything.
  testPathIgnorePatterns: ["/node_modules/", "/dist/", "/cdktf.out/", ...(process.env.TEST_TIER === "fast" ? ["/__tests__/real/"] : [])],
  // Types are checked once by `npm run build` (tsc) before jest runs, so ts-jest
  // only transpiles: that keeps every test file's startup fast.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // Fixed, not "cores - 1": the same parallelism on every machine. Two files at a time
  // (the e2e suite mostly waits on intervals while the others run); real-binary suites
  // take ports from their worker's own band (__tests__/support/processes.ts).
  maxWorkers: 2,
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup.ts"],
};
