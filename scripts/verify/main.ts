// `npm run verify`: is the deployed stack healthy? From the workstation, against
// the hosts at the inventory's addresses, with the credentials of the hub stack's
// Terraform outputs (never printed). One line per check; exit code 0 only when
// every check passes. `--fire-drill` sends a drill alert to the real receivers of
// a severity and confirms it went out. README "Day two".
import { join, resolve } from "node:path";
import { resolveAlertSettings } from "../../alert-rules/settings";
import { InventoryError, loadInventory } from "../../inventory/load";
import { Context, VerifySettings } from "./context";
import { fireDrill, SEVERITIES, Severity } from "./drill";
import { openEndpoints, readEndpointOverrides } from "./endpoints";
import { readOutputs } from "./outputs";
import { checksFor, selectStacks, servicesFor } from "./plan";
import { jsonReporter, Output, Reporter, textReporter, useColour } from "./report";
import type { Tunnel } from "./tunnel";
import { CheckFailure, CheckResult, SetupError } from "./types";

export const USAGE = `Usage: npm run verify -- [STACK...] [OPTIONS]

Checks the deployed stacks (default: all of them): hub, edge-<site>-<node>, grafana,
or a glob such as 'edge-*'. Exit code 0 when every check passes, 1 when one fails,
2 when nothing could be checked.

Options:
  --json                    one JSON document on stdout instead of lines
  --fire-drill[=SEVERITY]   instead of the checks, send a drill alert of SEVERITY
                            (critical by default, warning, info) to its real receivers
                            and confirm from Alertmanager's counters that each got it
  --drill-timeout=SECONDS   how long the drill waits for the receivers (default 120)
  --window=DURATION         failed notifications count over this window (default 10m)
  --outputs=FILE            the hub's outputs as terraform output -json (env VERIFY_OUTPUTS)
  --endpoints=FILE          base URLs by service, replacing the inventory's (env VERIFY_ENDPOINTS)
  --help

Environment: INVENTORY (default inventory/sites.yaml), CDKTF_OUTDIR (default cdktf.out),
TF_VAR_grafana_admin_password (Grafana's admin, for the grafana stack), NO_COLOR, FORCE_COLOR.
`;

export interface Args {
  readonly stacks: string[];
  readonly json: boolean;
  readonly fireDrill?: Severity;
  readonly drillTimeoutSeconds: number;
  readonly window?: string;
  readonly outputs?: string;
  readonly endpoints?: string;
  readonly help: boolean;
}

export function parseArgs(argv: readonly string[]): Args {
  const stacks: string[] = [];
  let json = false;
  let help = false;
  let fireDrill: Severity | undefined;
  let drillTimeoutSeconds = 120;
  let window: string | undefined;
  let outputs: string | undefined;
  let endpoints: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") ? (arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined]) : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new SetupError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case "--json":
        json = true;
        break;
      case "--help":
      case "-h":
        help = true;
        break;
      case "--fire-drill": {
        const severity = inline ?? "critical";
        if (!(SEVERITIES as readonly string[]).includes(severity)) throw new SetupError(`--fire-drill takes ${SEVERITIES.join(", ")}, got ${JSON.stringify(severity)}`);
        fireDrill = severity as Severity;
        break;
      }
      case "--drill-timeout": {
        const v = Number(value());
        if (!Number.isFinite(v) || v <= 0) throw new SetupError("--drill-timeout takes a number of seconds");
        drillTimeoutSeconds = v;
        break;
      }
      case "--window":
        window = value();
        if (!/^\d+[smhd]$/.test(window)) throw new SetupError(`--window takes a duration such as 10m or 1h, got ${JSON.stringify(window)}`);
        break;
      case "--outputs":
        outputs = value();
        break;
      case "--endpoints":
        endpoints = value();
        break;
      default:
        if (arg.startsWith("-")) throw new SetupError(`unknown option ${arg}`);
        stacks.push(arg);
    }
  }
  return { stacks, json, fireDrill, drillTimeoutSeconds, window, outputs, endpoints, help };
}

export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: NodeJS.ProcessEnv;
  /** The project directory (inventory and cdktf.out are relative to it). */
  readonly cwd: string;
  /** Replaces the SSH tunnel (tests). */
  readonly tunnel?: (dockerHost: string, host: string, port: number) => Promise<Tunnel>;
  /** @default 30000 */
  readonly lokiReadTimeoutMs?: number;
  /** @default 1000 */
  readonly drillPollMs?: number;
}

/** Runs verify; resolves to the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    io.stderr.write(`verify: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const inventoryFile = resolve(io.cwd, io.env.INVENTORY ?? join("inventory", "sites.yaml"));
  let close = async () => {};
  try {
    const inventory = loadInventory(inventoryFile);
    const stacks = selectStacks(inventory, args.stacks);
    const alertSettings = resolveAlertSettings();
    const settings: VerifySettings = {
      window: args.window ?? alertSettings.failureWindow,
      freshnessSeconds: alertSettings.remoteWriteLagSeconds,
      certificateDays: alertSettings.certificateExpiryDays,
      lokiReadTimeoutMs: io.lokiReadTimeoutMs ?? 30_000,
    };
    const outputsFile = args.outputs ?? io.env.VERIFY_OUTPUTS;
    const outputs = await readOutputs({
      file: outputsFile ? resolve(io.cwd, outputsFile) : undefined,
      stackDir: join(resolve(io.cwd, io.env.CDKTF_OUTDIR ?? "cdktf.out"), "stacks", "hub"),
      env: io.env,
    });
    const endpointsFile = args.endpoints ?? io.env.VERIFY_ENDPOINTS;
    const opened = await openEndpoints(inventory, {
      overrides: endpointsFile ? readEndpointOverrides(resolve(io.cwd, endpointsFile)) : undefined,
      // The drill talks to Alertmanager only.
      needed: args.fireDrill ? ["alertmanager"] : servicesFor(stacks),
      tunnel: io.tunnel,
    });
    close = opened.close;
    const ctx = new Context(inventory, outputs, opened.endpoints, settings, io.env.TF_VAR_grafana_admin_password || undefined);

    const reporter: Reporter = args.json ? jsonReporter(io.stdout) : textReporter(io.stdout, useColour(io.stdout, io.env));
    const header = { inventory: inventoryFile, stacks: args.fireDrill ? [] : stacks, fireDrill: args.fireDrill ?? null, startedAt: new Date().toISOString() };
    const results: CheckResult[] = [];
    if (args.fireDrill) {
      reporter.started("drill", args.fireDrill);
      results.push(...(await fireDrill(ctx, { severity: args.fireDrill, timeoutMs: args.drillTimeoutSeconds * 1000, pollMs: io.drillPollMs, report: (r) => reporter.result(r) })));
    } else {
      for (const check of checksFor(inventory, stacks)) {
        reporter.started(check.stack, check.name);
        const startedAt = Date.now();
        let result: CheckResult;
        try {
          result = { stack: check.stack, check: check.name, ...(await check.run(ctx)), durationMs: Date.now() - startedAt };
        } catch (err) {
          const failure = err instanceof CheckFailure ? err : undefined;
          result = {
            stack: check.stack,
            check: check.name,
            status: "fail",
            detail: failure ? failure.message : `unexpected error: ${(err as Error).message}`,
            fix: failure ? failure.fix : "this is a bug in verify, or an answer it does not understand: run again with --json and report it",
            durationMs: Date.now() - startedAt,
          };
        }
        results.push(result);
        reporter.result(result);
      }
    }
    reporter.finish(results, header);
    return results.some((r) => r.status === "fail") ? 1 : 0;
  } catch (err) {
    if (err instanceof SetupError || err instanceof InventoryError) {
      io.stderr.write(`verify: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    await close();
  }
}

if (require.main === module) {
  // exitCode, not exit(): a pipe gets every line before the process ends.
  run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }).then(
    (code) => (process.exitCode = code),
    (err) => {
      console.error(err);
      process.exitCode = 2;
    },
  );
}
