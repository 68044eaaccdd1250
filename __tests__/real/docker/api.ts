// A small Docker Engine API client over the engine's unix socket (no docker CLI):
// JSON calls, a streamed request body (image import), exec and logs (the
// multiplexed stdout/stderr stream demultiplexed).
import { request } from "node:http";
import type { Readable } from "node:stream";

/** Engine 20.10 (Debian's docker.io) speaks API 1.41. */
const API = "/v1.41";

export class DockerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface CallOptions {
  readonly body?: unknown;
  /** A raw body (tar archive), streamed as is. */
  readonly stream?: Readable | Buffer;
  readonly contentType?: string;
  readonly timeoutMs?: number;
}

export class DockerApi {
  constructor(readonly socketPath: string) {}

  /** One request; resolves with the status and the whole response body. */
  raw(method: string, path: string, options: CallOptions = {}): Promise<{ status: number; body: Buffer }> {
    const headers: Record<string, string> = {};
    let payload: Buffer | undefined;
    if (options.body !== undefined) {
      payload = Buffer.from(JSON.stringify(options.body));
      headers["content-type"] = "application/json";
      headers["content-length"] = String(payload.length);
    } else if (Buffer.isBuffer(options.stream)) {
      payload = options.stream;
      headers["content-type"] = options.contentType ?? "application/x-tar";
      headers["content-length"] = String(payload.length);
    } else if (options.stream) {
      headers["content-type"] = options.contentType ?? "application/x-tar";
      headers["transfer-encoding"] = "chunked";
    }
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path: API + path, headers, timeout: options.timeoutMs ?? 120_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on("error", reject);
      if (payload) req.end(payload);
      else if (options.stream) (options.stream as Readable).pipe(req);
      else req.end();
    });
  }

  /** A call whose answer is JSON (or empty); a status of 400 or more throws with the engine's message. */
  async json<T = any>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const res = await this.raw(method, path, options);
    const text = res.body.toString("utf8");
    if (res.status >= 400) {
      let message = text;
      try {
        message = JSON.parse(text).message ?? text;
      } catch {
        // not JSON
      }
      throw new DockerError(res.status, `${method} ${path}: ${res.status} ${message.trim()}`);
    }
    if (text.trim() === "") return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      return text as unknown as T;
    }
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.raw("GET", "/_ping", { timeoutMs: 2_000 })).status === 200;
    } catch {
      return false;
    }
  }

  /** Imports a root filesystem tarball as `repo:tag`, with Dockerfile-like `changes` (ENTRYPOINT, USER, ...). */
  async importImage(tar: Readable | Buffer, reference: string, changes: readonly string[]): Promise<void> {
    const at = reference.lastIndexOf(":");
    const query = new URLSearchParams({ fromSrc: "-", repo: reference.slice(0, at), tag: reference.slice(at + 1) });
    for (const change of changes) query.append("changes", change);
    const res = await this.raw("POST", `/images/create?${query}`, { stream: tar, timeoutMs: 300_000 });
    const text = res.body.toString("utf8");
    if (res.status >= 400 || /"error"/.test(text)) throw new Error(`import ${reference}: ${res.status} ${text.slice(0, 500)}`);
  }

  /** Runs a command in a running container; its exit code and combined output. */
  async exec(container: string, cmd: readonly string[], user?: string): Promise<{ exitCode: number; output: string }> {
    const { Id } = await this.json("POST", `/containers/${container}/exec`, {
      body: { AttachStdout: true, AttachStderr: true, Cmd: cmd, ...(user !== undefined ? { User: user } : {}) },
    });
    const res = await this.raw("POST", `/exec/${Id}/start`, { body: { Detach: false, Tty: false }, timeoutMs: 60_000 });
    const info = await this.json("GET", `/exec/${Id}/json`);
    return { exitCode: info.ExitCode, output: demultiplex(res.body) };
  }

  /** The last `tail` lines of a container's stdout and stderr. */
  async logs(container: string, tail = 40): Promise<string> {
    const res = await this.raw("GET", `/containers/${container}/logs?stdout=1&stderr=1&tail=${tail}`);
    return demultiplex(res.body);
  }
}

/** A non-TTY attach/exec/logs stream: frames of [stream, 0, 0, 0, size (big-endian u32), payload]. */
export function demultiplex(buffer: Buffer): string {
  let out = "";
  let i = 0;
  while (i + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(i + 4);
    out += buffer.subarray(i + 8, i + 8 + size).toString("utf8");
    i += 8 + size;
  }
  return out;
}
