// The command line: arguments, exit codes, what goes to stderr. Nothing here
// reaches a real address: every endpoint is a closed loopback port.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, run, USAGE } from "../../scripts/verify/main";
import { ROOT } from "../support/example";
import { createTestPki } from "../support/pki";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function verify(args: string[], env: Record<string, string>) {
  let out = "";
  let err = "";
  const code = await run(args, { stdout: { write: (t) => void (out += t), isTTY: false }, stderr: { write: (t) => void (err += t) }, env, cwd: ROOT });
  return { code, out, err };
}

describe("verify: command line", () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "verify-main-"));
    const pki = createTestPki(join(dir, "pki"), [], []);
    writeFileSync(join(dir, "outputs.json"), JSON.stringify({ ca_certificate: { value: pki.caCert }, operator_password: { value: "pw-never-printed" } }));
    const port = await closedPort();
    const endpoints = Object.fromEntries(["prometheus", "alertmanager", "pushgateway", "loki", "grafana", "nodeExporter"].map((s) => [s, `https://127.0.0.1:${port}`]));
    writeFileSync(join(dir, "endpoints.json"), JSON.stringify(endpoints));
    env = { VERIFY_OUTPUTS: join(dir, "outputs.json"), VERIFY_ENDPOINTS: join(dir, "endpoints.json") };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("parses stacks and options", () => {
    expect(parseArgs(["hub", "edge-*", "--json", "--window=1h", "--outputs", "o.json"])).toMatchObject({ stacks: ["hub", "edge-*"], json: true, window: "1h", outputs: "o.json", fireDrill: undefined });
    expect(parseArgs(["--fire-drill"]).fireDrill).toBe("critical");
    expect(parseArgs(["--fire-drill=warning", "--drill-timeout=30"])).toMatchObject({ fireDrill: "warning", drillTimeoutSeconds: 30 });
  });

  it("fails when an option is wrong, with the usage on stderr and exit code 2", async () => {
    for (const args of [["--fire-drill=loud"], ["--frobnicate"], ["--window=ten"], ["--outputs"]]) {
      const { code, out, err } = await verify(args, env);
      expect({ args, code, out }).toEqual({ args, code: 2, out: "" });
      expect(err).toContain(USAGE.split("\n")[0]);
    }
  });

  it("prints the usage with --help and exits 0", async () => {
    expect(await verify(["--help"], env)).toEqual({ code: 0, out: USAGE, err: "" });
  });

  it("fails with exit code 2 when nothing can be checked: an unknown stack, no outputs, an invalid inventory", async () => {
    expect(await verify(["edge-barn-loft"], env)).toMatchObject({ code: 2, out: "", err: expect.stringMatching(/^verify: no stack matches "edge-barn-loft"; the stacks are hub, /) });
    expect(await verify(["hub"], { CDKTF_OUTDIR: join(dir, "nowhere") })).toMatchObject({ code: 2, err: expect.stringContaining("does not exist: run npm run synth") });
    writeFileSync(join(dir, "bad.yaml"), "hub: {}\n");
    expect(await verify(["hub"], { ...env, INVENTORY: join(dir, "bad.yaml") })).toMatchObject({ code: 2, err: expect.stringContaining("the inventory is invalid") });
  });

  it("reports every check as failed, naming the unreachable service, when nothing answers (exit 1, no password printed)", async () => {
    const { code, out, err } = await verify([], env);
    expect({ code, err }).toEqual({ code: 1, err: "" });
    const lines = out.trim().split("\n");
    expect(lines.slice(0, -1).every((l) => l.startsWith("FAIL  "))).toBe(true);
    expect(lines[0]).toMatch(/^FAIL  hub prometheus\s+nothing listens at 127\.0\.0\.1:\d+ \(connection refused\) → is the container running/);
    expect(lines[1]).toMatch(/^FAIL  hub targets\s+not checked: nothing listens/);
    expect(lines.find((l) => l.includes("hub loki "))).toMatch(/no operator client certificate .* → deploy the hub with this version/);
    expect(lines.find((l) => l.includes("grafana datasources"))).toMatch(/no Grafana admin password/);
    expect(lines.find((l) => l.includes("hub certificates"))).toMatch(/^FAIL  hub certificates\s+prometheus: nothing listens at .*; .*\(others: CA 3649 days\) → /);
    expect(lines.at(-1)).toBe("NOT HEALTHY: 0 of 19 checks passed, 19 failed");
    expect(out).not.toContain("pw-never-printed");
  });
});
