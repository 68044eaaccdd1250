// The hub's outputs as verify reads them: `terraform output -json` in
// cdktf.out/stacks/hub by default (a stand-in terraform on PATH here: the real one
// cannot init without the registry), or a file of the same shape.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseOutputs, readOutputs } from "../../scripts/verify/outputs";
import { OPERATOR_CERTIFICATE } from "../../security/pki";
import { createTestPki } from "../support/pki";

const outputsJson = (values: Record<string, string>) =>
  JSON.stringify(Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { sensitive: name !== "ca_certificate", type: "string", value }])));

// Real certificates: verify checks that the outputs hold some.
const pkiDir = mkdtempSync(join(tmpdir(), "verify-outputs-pki-"));
const pki = createTestPki(pkiDir, [OPERATOR_CERTIFICATE], []);
rmSync(pkiDir, { recursive: true, force: true });
const CA = pki.caCert;
const CERT = pki.hosts.get("operator")!.cert;
const FULL = { ca_certificate: CA, operator_password: "s3cret", operator_client_certificate: CERT, operator_client_key: "KEY PEM" };

describe("verify: the hub's outputs", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "verify-outputs-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A terraform stand-in that records its arguments and prints `stdout` (or fails with `stderr`). */
  function fakeTerraform(stdout: string, exitCode = 0, stderr = ""): { path: string; args: string } {
    const path = join(dir, "terraform");
    const args = join(dir, "args");
    writeFileSync(join(dir, "stdout"), stdout);
    writeFileSync(join(dir, "stderr"), stderr);
    writeFileSync(path, `#!/bin/sh\necho "$@" > "${args}"\ncat "${join(dir, "stdout")}"\ncat "${join(dir, "stderr")}" >&2\nexit ${exitCode}\n`);
    chmodSync(path, 0o755);
    return { path, args };
  }

  function stackDir(): string {
    const stack = join(dir, "cdktf.out", "stacks", "hub");
    mkdirSync(stack, { recursive: true });
    writeFileSync(join(stack, "cdk.tf.json"), "{}");
    return stack;
  }

  it("reads terraform output -json in the hub's stack directory by default", async () => {
    const terraform = fakeTerraform(outputsJson(FULL));
    const stack = stackDir();
    const outputs = await readOutputs({ stackDir: stack, terraform: terraform.path });
    expect(outputs).toEqual({ caCertificate: CA, operatorPassword: "s3cret", operatorClientCertificate: CERT, operatorClientKey: "KEY PEM" });
    expect(readFileSync(terraform.args, "utf8").trim()).toBe(`-chdir=${stack} output -no-color -json`);
  });

  it("reads a file of the same shape instead, without running terraform", async () => {
    writeFileSync(join(dir, "outputs.json"), outputsJson(FULL));
    expect((await readOutputs({ file: join(dir, "outputs.json"), stackDir: "/nonexistent", terraform: "/nonexistent/terraform" })).operatorPassword).toBe("s3cret");
  });

  it("keeps going without the client certificate (a hub deployed before it was issued)", () => {
    expect(parseOutputs(outputsJson({ ca_certificate: CA, operator_password: "pw" }), "x")).toEqual({ caCertificate: CA, operatorPassword: "pw", operatorClientCertificate: undefined, operatorClientKey: undefined });
  });

  it("fails when terraform fails, with its first error line and what to do", async () => {
    const terraform = fakeTerraform("", 1, "There are some problems with the CLI configuration:\n╷\n│ Warning: Unable to open CLI configuration file\n╵\n╷\n│ Error: Backend initialization required, please run \"terraform init\"\n│\n");
    await expect(readOutputs({ stackDir: stackDir(), terraform: terraform.path })).rejects.toThrow(
      /terraform output failed in .*stacks\/hub: Error: Backend initialization required, please run "terraform init"; run npm run deploy -- hub/,
    );
  });

  it("fails when the stack is not synthesized, or terraform is missing", async () => {
    await expect(readOutputs({ stackDir: join(dir, "nope") })).rejects.toThrow(/does not exist: run npm run synth/);
    await expect(readOutputs({ stackDir: stackDir(), terraform: join(dir, "no-terraform") })).rejects.toThrow(/terraform is not on PATH/);
  });

  it("fails when the outputs are empty, not JSON, or lack the operator password, never showing a value", () => {
    expect(() => parseOutputs("{}", "src")).toThrow(/src: the hub stack has no outputs: it is not deployed/);
    expect(() => parseOutputs("Warning: no outputs", "src")).toThrow(/not the JSON of terraform output -json/);
    expect(() => parseOutputs(outputsJson({ ca_certificate: CA }), "src")).toThrow(/output operator_password is missing/);
    expect(() => parseOutputs(outputsJson({ ca_certificate: "not a PEM", operator_password: "pw" }), "src")).toThrow("src: output ca_certificate is not a PEM certificate");
    try {
      parseOutputs(outputsJson({ operator_password: "hunter2" }), "src");
    } catch (err) {
      expect((err as Error).message).not.toContain("hunter2");
    }
  });
});
