// Real binaries on 127.0.0.1: free ports chosen at runtime, readiness polled
// (never fixed sleeps), and every process stopped by PID by the test that started it.
import { ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

/** Ports already handed out: one chosen but not yet bound must not be chosen again. */
const handedOut = new Set<number>();

// Jest may run test files in parallel workers, and the kernel hands out ports in its
// ephemeral range (ip_local_port_range, 32768–60999 by default) to every outgoing
// connection too. So each worker picks from its own band below that range: a port one
// worker chose but has not bound yet cannot be chosen by another, nor taken by a client.
const FIRST_PORT = 20_000;
const BAND = 1_500;
const worker = Math.max(1, Number(process.env.JEST_WORKER_ID ?? 1));
const band = { from: FIRST_PORT + ((worker - 1) % 8) * BAND, size: BAND };
// A random start, so files run one after another in a worker do not reuse each other's ports first.
let next = Math.floor(Math.random() * BAND);

/** A free port on 127.0.0.1, never one this test file was given before. */
export async function freePort(): Promise<number> {
  for (let tried = 0; tried < band.size; tried++) {
    const port = band.from + (next++ % band.size);
    if (!handedOut.has(port) && (await canListen(port))) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port on 127.0.0.1 in ${band.from}–${band.from + band.size - 1}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export interface Started {
  readonly process: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

export function start(command: string, args: string[]): Started {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  return {
    process: child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        process.kill(child.pid!, "SIGTERM");
      }),
  };
}

/** Polls `url` until it answers 2xx, or fails after `timeoutMs` with the process output. */
export async function waitUntilReady(url: string, started: Started, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.process.exitCode !== null) throw new Error(`process exited early:\n${started.output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms:\n${started.output()}`);
}
