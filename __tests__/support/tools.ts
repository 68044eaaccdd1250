import { spawnSync } from "node:child_process";

/** Runs a tool to completion (no network, no daemon) and returns its exit code and output. */
export function runTool(command: string, args: string[], cwd?: string): { code: number; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 60_000 });
  if (result.error) throw new Error(`${command} could not run (${result.error.message}); run scripts/ensure-test-tools.sh`);
  return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
