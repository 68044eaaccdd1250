// Real binaries on 127.0.0.1: free ports chosen at runtime, readiness polled
// (never fixed sleeps), and every process stopped by PID by the test that started it.
import { ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

/** Ports already handed out: one chosen but not yet bound must not be chosen again. */
const handedOut = new Set<number>();

/** A free port on 127.0.0.1, never one this test file was given before. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await unusedPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
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
