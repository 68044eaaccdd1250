// Synth benchmark: how wall time, peak memory and output size grow with the
// number of sites, beside cdktf's floor for the same output. `npm run bench`
// (sizes 1 10 100 500) or `node dist/scripts/bench.js 1 10` after a build.
//
// Every measured synth is a fresh `node dist/main.js`, exactly as cdktf runs it.
// After each, a fresh `node dist/scripts/bench-floor.js` rebuilds its stacks in a
// bare cdktf App with every attribute a literal override and synthesizes them:
// what cdktf alone costs for that output. Both are measured the same way, and the
// floor's output is checked to equal the project's (cdktf's `//` metadata aside).
// A second mode, `--breakdown <inventory> <outdir> [renderedDir]`, replays main.ts
// step by step in its own fresh process and times each step; a third,
// `--inventory <sites> <file>`, only writes the generated inventory.
//
// Only node: built-ins and the dependency-free bench-report are imported
// eagerly. yaml, zod, cdktf and the project's modules are required lazily, so
// that in --breakdown mode their load time is measured cold rather than paid
// before the first timer starts.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { Inventory } from "../inventory/schema";
import { marginalCosts, marginalTable, Measured, SizeResult, sizeTable } from "./bench-report";

/** Project root: this file runs as dist/scripts/bench.js. */
const ROOT = resolve(__dirname, "..", "..");
const MAIN_JS = join(ROOT, "dist", "main.js");
const FLOOR_JS = join(ROOT, "dist", "scripts", "bench-floor.js");
const DEFAULT_SIZES = [1, 10, 100, 500];
const RUNS_PER_SIZE = 3;
const BREAKDOWN_SITES = 100;
const MiB = 1024 * 1024;

/** A failure to report plainly (no stack trace) before exiting non-zero. */
class BenchError extends Error {}

// ---------------------------------------------------------------------------
// Inventory generation

/**
 * The example inventory with `count` generated sites. Names are unique and valid
 * (`site-<i>` / `n1`, `n2` / `cam-<i>-<node>-<k>`, globally unique as the schema requires), so every `edge-<site>-<node>`
 * stack name is distinct; addresses are 10.<i / 256>.<i % 256>.<host>.
 */
function generateInventory(base: Record<string, unknown>, count: number): Record<string, unknown> {
  if (count > 65536) throw new BenchError(`at most 65536 sites fit the 10.x.y.z address plan, got ${count}`);
  const probes = ["icmp", "tcp", "http"] as const;
  const sites = Array.from({ length: count }, (_, i) => {
    const net = `10.${Math.floor(i / 256)}.${i % 256}`;
    return {
      name: `site-${i + 1}`,
      mode: i % 2 === 0 ? "pull" : "push",
      nodes: [1, 2].map((n) => ({
        name: `n${n}`,
        dockerHost: `ssh://pi@${net}.${10 + n}`,
        address: `${net}.${10 + n}`,
        logAgent: n === 1 ? "promtail" : "alloy",
        cameras: [1, 2].map((k) => {
          const probe = probes[(i + 2 * n + k) % probes.length];
          const camera = { name: `cam-${i + 1}-n${n}-${k}`, address: `${net}.${100 + 10 * n + k}`, probe };
          if (probe === "tcp") return { ...camera, port: 554 };
          if (probe === "http") return { ...camera, port: 80, path: "/onvif/device_service" };
          return camera;
        }),
        sensors: [{ name: `temp-${i + 1}-n${n}`, kind: "temperature", staleAfter: "15m" }],
      })),
    };
  });
  return { ...base, sites };
}

/** Writes the inventory for `count` sites and checks it against the real schema first. */
function writeInventory(base: Record<string, unknown>, count: number, file: string): void {
  const { stringify } = require("yaml") as typeof import("yaml");
  const { parseInventory, InventoryError } = require("../inventory/load") as typeof import("../inventory/load");
  const text = stringify(generateInventory(base, count));
  try {
    parseInventory(text, file);
  } catch (err) {
    if (err instanceof InventoryError) throw new BenchError(`the generated ${count}-site inventory is invalid (bug in scripts/bench.ts):\n${err.message}`);
    throw err;
  }
  writeFileSync(file, text);
}

// ---------------------------------------------------------------------------
// Measured runs

interface RunResult {
  wallSeconds: number;
  /** user + system CPU of the child: less disturbed than wall time when other work shares the machine. */
  cpuSeconds: number;
  maxRssKiB: number;
}

/** One fresh `node <script> <args>` from the project root; throws with the child's stderr if it fails. */
function runNode(script: string, args: string[], env: Record<string, string>, preload: string, usageFile: string, label: string): RunResult {
  const command = ["node", relative(ROOT, script), ...args].join(" ");
  rmSync(usageFile, { force: true });
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ["--require", preload, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, BENCH_USAGE_FILE: usageFile },
    encoding: "utf8",
    maxBuffer: 64 * MiB,
  });
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.error) throw new BenchError(`${label}: cannot run ${command}: ${child.error.message}`);
  if (child.status !== 0) {
    const how = child.signal ? `killed by ${child.signal}` : `exit code ${child.status}`;
    throw new BenchError(`${label}: ${command} failed (${how}). stderr:\n${child.stderr}${child.stdout ? `\nstdout:\n${child.stdout}` : ""}`);
  }
  if (!existsSync(usageFile)) throw new BenchError(`${label}: the child exited without writing its resource usage to ${usageFile}`);
  const usage = JSON.parse(readFileSync(usageFile, "utf8")) as NodeJS.ResourceUsage;
  return { wallSeconds, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRssKiB: usage.maxRSS };
}

function countFiles(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
}

/** Stack, resource and data source counts and total cdk.tf.json size of a synthesized outdir. */
function synthOutput(outdir: string): { stacks: number; resources: number; dataSources: number; bytes: number } {
  const stacksDir = join(outdir, "stacks");
  const stacks = readdirSync(stacksDir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  const named = (block: Record<string, Record<string, unknown>> | undefined) => Object.values(block ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
  const total = { stacks: stacks.length, resources: 0, dataSources: 0, bytes: 0 };
  for (const stack of stacks) {
    const file = join(stacksDir, stack.name, "cdk.tf.json");
    if (!existsSync(file)) continue;
    total.bytes += statSync(file).size;
    const doc = JSON.parse(readFileSync(file, "utf8"));
    total.resources += named(doc.resource);
    total.dataSources += named(doc.data);
  }
  return total;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summary(runs: RunResult[]): Measured {
  return {
    medianWallSeconds: median(runs.map((r) => r.wallSeconds)),
    medianCpuSeconds: median(runs.map((r) => r.cpuSeconds)),
    peakRssKiB: Math.max(...runs.map((r) => r.maxRssKiB)),
  };
}

/** The project's and the floor's runs alternate, so a machine that slows down mid-run slows both alike. */
function benchSize(tmp: string, inventory: string, sites: number, preload: string): SizeResult {
  const outdir = join(tmp, `out-${sites}`);
  const renderedDir = join(tmp, `rendered-${sites}`);
  const floorOutdir = join(tmp, `floor-${sites}`);
  const usageFile = join(tmp, "usage.json");
  const project: RunResult[] = [];
  const floor: RunResult[] = [];
  for (let run = 1; run <= RUNS_PER_SIZE; run++) {
    // Each run starts from nothing, as a first synth on a clean checkout would.
    rmSync(outdir, { recursive: true, force: true });
    rmSync(renderedDir, { recursive: true, force: true });
    rmSync(floorOutdir, { recursive: true, force: true });
    const label = `${sites} sites, run ${run}`;
    project.push(runNode(MAIN_JS, [], { INVENTORY: inventory, CDKTF_OUTDIR: outdir, RENDERED_DIR: renderedDir }, preload, usageFile, `${label} (project)`));
    floor.push(runNode(FLOOR_JS, [outdir, floorOutdir], {}, preload, usageFile, `${label} (floor)`));
    process.stderr.write(`  ${label}/${RUNS_PER_SIZE}: project ${project[run - 1].wallSeconds.toFixed(2)} s, floor ${floor[run - 1].wallSeconds.toFixed(2)} s\n`);
  }
  checkFloorEquivalence(outdir, floorOutdir, sites);
  const { stacks, resources, dataSources, bytes } = synthOutput(outdir);
  return { sites, stacks, resources, dataSources, project: summary(project), floor: summary(floor), cdkTfJsonBytes: bytes, renderedFiles: countFiles(renderedDir) };
}

/** A floor that synthesizes something else measures nothing: stop with what differs. */
function checkFloorEquivalence(outdir: string, floorOutdir: string, sites: number): void {
  const { floorDifferences } = require("./floor/equivalence") as typeof import("./floor/equivalence");
  const differences = floorDifferences(outdir, floorOutdir);
  if (differences.length > 0) {
    throw new BenchError(`${sites} sites: the floor's cdk.tf.json differs from the project's (cdktf's // metadata left out):\n  ${differences.slice(0, 40).join("\n  ")}`);
  }
}

function printTables(results: SizeResult[]): void {
  console.log("Project (node dist/main.js) beside cdktf's floor (node dist/scripts/bench-floor.js, same stacks as literal overrides):");
  console.log(
    `median wall and CPU (user + system) time, highest peak RSS, of ${RUNS_PER_SIZE} fresh processes each; the floor's output equals the project's (// metadata aside).`,
  );
  // Other work on the machine slows wall time more than CPU time: say how busy it was.
  console.log(`${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(" / ")} (1 / 5 / 15 min) at the end.\n`);
  for (const line of sizeTable(results)) console.log(line);
  const marginal = marginalTable(marginalCosts(results));
  if (marginal.length === 0) return;
  console.log("\nMarginal cost per added site, between consecutive sizes:\n");
  for (const line of marginal) console.log(line);
}

// ---------------------------------------------------------------------------
// Breakdown mode: main.ts's steps, timed one by one in a fresh process

function breakdown(inventoryFile: string, outdir: string, renderedDir: string): void {
  // Step name -> time and modules newly loaded; a name timed twice adds up.
  const steps = new Map<string, { ms: number; modules: number }>();
  // performance.now() counts from process start, so this is Node's boot plus loading bench.js.
  steps.set("node startup (until bench.js runs)", { ms: performance.now(), modules: 0 });
  const time = <T>(step: string, fn: () => T): T => {
    const modulesBefore = Object.keys(require.cache).length;
    const start = performance.now();
    const result = fn();
    const sofar = steps.get(step) ?? { ms: 0, modules: 0 };
    steps.set(step, { ms: sofar.ms + performance.now() - start, modules: sofar.modules + Object.keys(require.cache).length - modulesBefore });
    return result;
  };

  // Same order as main.ts's imports, so each step loads only what is new to it.
  const { App } = time("require cdktf (+ constructs)", () => require("cdktf") as typeof import("cdktf"));
  const { loadInventory } = time("require inventory/json-schema + load (zod, schema, yaml)", () => {
    require("../inventory/json-schema"); // main.ts imports it too (used only without RENDERED_DIR)
    return require("../inventory/load") as typeof import("../inventory/load");
  });
  const { defineStacks } = time("require stacks/app (provider modules, constructs, alert rules)", () => require("../stacks/app") as typeof import("../stacks/app"));
  const rendered = time("require stacks/rendered-files", () => require("../stacks/rendered-files") as typeof import("../stacks/rendered-files"));
  const providerModules = Object.keys(require.cache).filter((path) => path.includes(join("node_modules", "@cdktf", "provider-docker"))).length;

  const inventory: Inventory = time("load + validate inventory (loadInventory -> parseInventory)", () => loadInventory(inventoryFile));
  const app = time("construct stacks (new App + defineStacks)", () => {
    const app = new App({ outdir });
    defineStacks(app, inventory);
    return app;
  });
  // As in main.ts: the files are collected before synth and written after it.
  const renderStep = "renderedFiles() + writeRenderedFiles()";
  const files = time(renderStep, () => rendered.renderedFiles(app));
  time("app.synth() (JSON writing)", () => app.synth());
  time(renderStep, () => rendered.writeRenderedFiles(renderedDir, files));
  // List the render row after synth (a Map keeps insertion order), although its collecting half ran first.
  const renderRow = steps.get(renderStep)!;
  steps.delete(renderStep);
  steps.set(renderStep, renderRow);

  console.log(
    `Breakdown, ${inventory.sites.length} sites, one cold process (${providerModules} @cdktf/provider-docker modules loaded, ${files.size} rendered files):\n`,
  );
  console.log("| step | ms | modules loaded |");
  console.log("|------|---:|---------------:|");
  let total = 0;
  for (const [step, { ms, modules }] of steps) {
    console.log(`| ${step} | ${ms.toFixed(1)} | ${modules} |`);
    total += ms;
  }
  console.log(`| **total** | ${total.toFixed(1)} | ${Object.keys(require.cache).length} |`);
}

// ---------------------------------------------------------------------------

function parseSizes(args: string[]): number[] {
  if (args.length === 0) return DEFAULT_SIZES;
  return args.map((arg) => {
    const n = Number(arg);
    if (!Number.isInteger(n) || n < 1) throw new BenchError(`site counts must be positive integers, got ${JSON.stringify(arg)}`);
    return n;
  });
}

/** The committed example, whose hub, receivers and settings every generated inventory keeps. */
function exampleInventory(): Record<string, unknown> {
  const { parse } = require("yaml") as typeof import("yaml");
  return parse(readFileSync(join(ROOT, "inventory", "sites.yaml"), "utf8")) as Record<string, unknown>;
}

function bench(args: string[]): void {
  const sizes = parseSizes(args);
  for (const script of [MAIN_JS, FLOOR_JS]) if (!existsSync(script)) throw new BenchError(`${script} does not exist: build first (npm run build)`);
  const base = exampleInventory();

  const tmp = mkdtempSync(join(tmpdir(), "bench-"));
  try {
    // Loaded with --require into every measured child: records its resource usage (peak RSS in KiB, CPU in µs) on exit.
    const preload = join(tmp, "usage-preload.js");
    writeFileSync(preload, "process.on('exit', () => require('fs').writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify(process.resourceUsage())));\n");
    const inventories = new Map<number, string>();
    for (const sites of new Set([...sizes, BREAKDOWN_SITES])) {
      const file = join(tmp, `inventory-${sites}.yaml`);
      writeInventory(base, sites, file);
      inventories.set(sites, file);
    }

    process.stderr.write(`Benchmarking ${sizes.join(", ")} sites, ${RUNS_PER_SIZE} runs each (node ${process.version}):\n`);
    const results = sizes.map((sites) => benchSize(tmp, inventories.get(sites)!, sites, preload));
    console.log();
    printTables(results);

    const outdir = join(tmp, "out-breakdown");
    mkdirSync(outdir);
    const child = spawnSync(process.execPath, [__filename, "--breakdown", inventories.get(BREAKDOWN_SITES)!, outdir, join(tmp, "rendered-breakdown")], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 64 * MiB,
    });
    if (child.status !== 0) throw new BenchError(`breakdown failed (exit code ${child.status}, signal ${child.signal}). stderr:\n${child.stderr}`);
    console.log(`\n${child.stdout.trimEnd()}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  const args = process.argv.slice(2);
  if (args[0] === "--breakdown") {
    const [inventory, outdir, renderedDir] = args.slice(1);
    if (!inventory || !outdir) throw new BenchError("usage: node dist/scripts/bench.js --breakdown <inventory> <outdir> [renderedDir]");
    breakdown(inventory, outdir, renderedDir ?? `${outdir}-rendered`);
  } else if (args[0] === "--inventory") {
    // The generated inventory on its own, e.g. to profile one synth: node --cpu-prof dist/main.js with INVENTORY=<file>.
    const [sites, file] = args.slice(1);
    if (!sites || !file) throw new BenchError("usage: node dist/scripts/bench.js --inventory <sites> <file>");
    writeInventory(exampleInventory(), parseSizes([sites])[0], file);
  } else {
    bench(args);
  }
} catch (err) {
  if (!(err instanceof BenchError)) throw err;
  console.error(err.message);
  process.exitCode = 1;
}
