// A service the hub publishes on a loopback address (hub.publish.alertmanager:
// 127.0.0.1 in the example) is reached through an SSH local forward over the same
// SSH access `npm run deploy` uses (hub.dockerHost). The ssh process is stopped by
// its PID when verify ends.
import { ChildProcess, spawn } from "node:child_process";
import { connect, createServer } from "node:net";

export interface Tunnel {
  /** 127.0.0.1:<port> on this machine. */
  readonly localAddress: string;
  close(): Promise<void>;
}

/** ssh's arguments for `ssh://[user@]host[:port]` forwarding 127.0.0.1:localPort to remoteHost:remotePort on the host. */
export function sshArguments(dockerHost: string, localPort: number, remoteHost: string, remotePort: number): string[] {
  const url = new URL(dockerHost);
  if (url.protocol !== "ssh:") throw new Error(`${dockerHost} is not an ssh:// Docker host`);
  const destination = url.username ? `${decodeURIComponent(url.username)}@${url.hostname}` : url.hostname;
  return [
    "-N",
    "-o", "BatchMode=yes",
    "-o", "ExitOnForwardFailure=yes",
    "-o", "ConnectTimeout=10",
    ...(url.port ? ["-p", url.port] : []),
    "-L", `127.0.0.1:${localPort}:${remoteHost}:${remotePort}`,
    destination,
  ];
}

export async function openTunnel(dockerHost: string, remoteHost: string, remotePort: number, ssh = "ssh", timeoutMs = 15_000): Promise<Tunnel> {
  const localPort = await unusedPort();
  const child = spawn(ssh, sshArguments(dockerHost, localPort, remoteHost, remotePort), { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = () => stop(child, exited);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`ssh ${new URL(dockerHost).host} exited: ${stderr.trim() || `code ${child.exitCode}`}`);
    if (await accepts(localPort)) return { localAddress: `127.0.0.1:${localPort}`, close };
    if (Date.now() > deadline) {
      await close();
      throw new Error(`ssh ${new URL(dockerHost).host} did not open its forward within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  process.kill(child.pid!, "SIGTERM");
  await exited;
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

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
