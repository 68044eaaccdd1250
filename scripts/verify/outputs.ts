// The credentials verify uses, from the hub stack's Terraform outputs
// (`terraform output -json` in cdktf.out/stacks/hub, where `npm run deploy`
// initialised it), or from a file of the same shape (VERIFY_OUTPUTS, for tests and
// for a state read elsewhere). Values are kept in memory only: never printed,
// never written.
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SetupError } from "./types";

export interface HubOutputs {
  /** PEM of the private CA: the only certificate verify trusts. */
  readonly caCertificate: string;
  /** Basic-auth password of user operator. */
  readonly operatorPassword: string;
  /** The operator's client certificate and key (Loki gateway); absent before a hub deploy that issues them. */
  readonly operatorClientCertificate?: string;
  readonly operatorClientKey?: string;
}

/** Names of the hub stack's outputs (constructs/credentials.ts). */
export const OUTPUT_NAMES = {
  caCertificate: "ca_certificate",
  operatorPassword: "operator_password",
  operatorClientCertificate: "operator_client_certificate",
  operatorClientKey: "operator_client_key",
} as const;

/** Parses `terraform output -json` ({"name": {"value": ..., "sensitive": ..., "type": ...}}). */
export function parseOutputs(text: string, source: string): HubOutputs {
  let doc: Record<string, { value?: unknown } | undefined>;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new SetupError(`${source}: not the JSON of terraform output -json`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new SetupError(`${source}: not the JSON of terraform output -json`);
  if (Object.keys(doc).length === 0) throw new SetupError(`${source}: the hub stack has no outputs: it is not deployed, or its state is not reachable from here (npm run deploy -- hub)`);
  const value = (name: string): string | undefined => {
    const v = doc[name]?.value;
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  const required = (key: "caCertificate" | "operatorPassword"): string => {
    const v = value(OUTPUT_NAMES[key]);
    if (v === undefined) throw new SetupError(`${source}: output ${OUTPUT_NAMES[key]} is missing: deploy the hub with this version (npm run deploy -- hub)`);
    return v;
  };
  const certificate = (key: "caCertificate" | "operatorClientCertificate", pem: string | undefined) => {
    if (pem === undefined) return undefined;
    try {
      new X509Certificate(pem);
    } catch {
      throw new SetupError(`${source}: output ${OUTPUT_NAMES[key]} is not a PEM certificate`);
    }
    return pem;
  };
  return {
    caCertificate: certificate("caCertificate", required("caCertificate"))!,
    operatorPassword: required("operatorPassword"),
    operatorClientCertificate: certificate("operatorClientCertificate", value(OUTPUT_NAMES.operatorClientCertificate)),
    operatorClientKey: value(OUTPUT_NAMES.operatorClientKey),
  };
}

export interface OutputSource {
  /** A file in `terraform output -json` form; when set, Terraform is not run. */
  readonly file?: string;
  /** The synthesized hub stack directory (cdktf.out/stacks/hub). */
  readonly stackDir: string;
  /** @default "terraform" (from PATH) */
  readonly terraform?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export async function readOutputs(source: OutputSource): Promise<HubOutputs> {
  if (source.file) {
    let text: string;
    try {
      text = readFileSync(source.file, "utf8");
    } catch (err) {
      throw new SetupError(`cannot read the outputs file ${source.file}: ${(err as Error).message}`);
    }
    return parseOutputs(text, source.file);
  }
  if (!existsSync(join(source.stackDir, "cdk.tf.json")))
    throw new SetupError(`${source.stackDir} does not exist: run npm run synth (and deploy the hub) first`);
  const text = await new Promise<string>((resolve, reject) => {
    execFile(
      source.terraform ?? "terraform",
      [`-chdir=${source.stackDir}`, "output", "-no-color", "-json"],
      { env: { ...(source.env ?? process.env), TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "terraform is not on PATH" : firstLine(stderr) || err.message;
        reject(new SetupError(`terraform output failed in ${source.stackDir}: ${why}; run npm run deploy -- hub from this checkout (it initialises the stack), or give the outputs with VERIFY_OUTPUTS`));
      },
    );
  });
  return parseOutputs(text, `terraform output -json (${source.stackDir})`);
}

/** Terraform's error (the first `Error:` line), else its first line that is not a warning. */
function firstLine(text: string): string {
  const lines = text
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .map((l) => l.replace(/[│╷╵]/g, "").trim())
    .filter((l) => l !== "");
  return lines.find((l) => l.startsWith("Error:")) ?? lines.find((l) => !/^Warning:|problems with the CLI configuration/.test(l)) ?? "";
}
