// Secret values given to Terraform, and the passwords, hashes and keys Terraform
// generates, must never reach cdk.tf.json or rendered/:
// synthesize with every variable set in the environment, then search the output.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { defineStacks } from "../stacks/app";
import { renderedFiles } from "../stacks/rendered-files";
import { exampleInventory } from "./support/example";
import { largeHouseholdInventory } from "./support/large-household";
import type { Inventory } from "../inventory/schema";
import { filesUnder } from "./support/files";
import { renderedOnDisk } from "./support/install";


// The example, and the large household (remote-write credentials, S3 keys, receivers on an edge replica).
describe.each<[string, () => Inventory]>([
  ["example inventory", exampleInventory],
  ["large household", largeHouseholdInventory],
])("secrets (%s)", (_label, inventoryOf) => {
  const outdir = mkdtempSync(join(tmpdir(), "secrets-"));
  const values = new Map<string, string>();
  let rendered: Map<string, string>;
  let variables: string[];

  beforeAll(() => {
    const app = new App({ outdir });
    defineStacks(app, inventoryOf());
    rendered = renderedFiles(app);
    app.synth();
    // A variable may be declared by several stacks (grafana_admin_password: hub and grafana).
    variables = [
      ...new Set(
        filesUnder(outdir)
          .filter((f) => f.endsWith("cdk.tf.json"))
          .flatMap((f) => Object.keys(JSON.parse(readFileSync(f, "utf8")).variable ?? {})),
      ),
    ];
    // What an operator exports before `cdktf deploy`; synth runs again to prove it ignores them.
    for (const name of variables) {
      values.set(name, `S3cr3t-${name}-${Math.random().toString(36).slice(2)}`);
      process.env[`TF_VAR_${name}`] = values.get(name);
    }
    const again = new App({ outdir });
    defineStacks(again, inventoryOf());
    rendered = renderedFiles(again);
    again.synth();
  });
  afterAll(() => {
    for (const name of values.keys()) delete process.env[`TF_VAR_${name}`];
    rmSync(outdir, { recursive: true, force: true });
  });

  it("are all sensitive Terraform variables", () => {
    expect(variables.length).toBeGreaterThan(0);
    for (const file of filesUnder(outdir).filter((f) => f.endsWith("cdk.tf.json")))
      for (const [name, v] of Object.entries<Record<string, unknown>>(JSON.parse(readFileSync(file, "utf8")).variable ?? {}))
        expect({ name, sensitive: v.sensitive }).toEqual({ name, sensitive: true });
  });

  it("appear nowhere in cdktf.out/ or rendered/", () => {
    const texts = [...filesUnder(outdir).map((f) => readFileSync(f, "utf8")), ...rendered.values()];
    for (const [name, value] of values) expect({ name, leaked: texts.some((t) => t.includes(value)) }).toEqual({ name, leaked: false });
  });

  // Terraform makes the real ones at apply time; this catches a change that makes
  // or pastes one at synth time (a bcrypt call, a PEM in a construct, user:pass@ URLs).
  it("leave no password, bcrypt hash or private key in cdktf.out/ or rendered/ (fresh and committed)", () => {
    const committed = [...renderedOnDisk().entries()].map(([key, text]) => [`rendered/${key}`, text] as const);
    const texts = [
      ...filesUnder(outdir).map((f) => [f, readFileSync(f, "utf8")] as const),
      ...[...rendered.entries()].map(([key, text]) => [`(fresh) ${key}`, text] as const),
      ...committed,
    ];
    const patterns = {
      privateKey: /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
      certificate: /-----BEGIN CERTIFICATE-----/,
      bcrypt: /\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}/,
      basicAuthInUrl: /https?:\/\/[^/\s:@]+:[^/\s@]+@/,
    };
    const found = texts.flatMap(([file, text]) => Object.entries(patterns).flatMap(([what, re]) => (re.test(text) ? [`${file}: ${what}`] : [])));
    expect(found).toEqual([]);
  });

  it("hold generated credentials in rendered files only as placeholders", () => {
    const credentialFiles = [...rendered.entries()].filter(([key]) => /\/(credentials|tls)\//.test(key));
    expect(credentialFiles.length).toBeGreaterThan(0);
    for (const [key, content] of credentialFiles) expect({ key, content }).toEqual({ key, content: expect.stringMatching(/^\$\{(password\.[a-z0-9-]+|tls\.[a-z0-9-]+\.(cert|key))\}$/) });
    // Web configs list users with their hash's placeholder, never a value.
    for (const [key, content] of rendered) if (key.endsWith("/web.yml")) expect({ key, users: content.split("basic_auth_users:")[1] }).toEqual({ key, users: expect.stringMatching(/^(\n  [a-z0-9-]+: \$\{bcrypt\.[a-z0-9-]+\})+\n$/) });
  });

  it("reach edge and Grafana stacks as sensitive outputs of the hub's state, never as resources of their own", () => {
    const stacks = filesUnder(outdir).filter((f) => f.endsWith("cdk.tf.json"));
    // A named deployment's stacks carry its name first (large-household-hub).
    const isHub = (f: string) => /\/stacks\/(?:[a-z0-9-]+-)?hub\//.test(f);
    const hubFile = stacks.find(isHub)!;
    const hub = JSON.parse(readFileSync(hubFile, "utf8"));
    const outputs = Object.entries<Record<string, unknown>>(hub.output).filter(([name]) => name.startsWith("cross-stack-output-"));
    expect(outputs.length).toBeGreaterThan(0);
    for (const [name, output] of outputs) expect({ name, sensitive: output.sensitive }).toEqual({ name, sensitive: true });
    expect(hub.output.operator_password).toMatchObject({ sensitive: true });
    expect(hub.output.operator_client_certificate).toMatchObject({ sensitive: true });
    expect(hub.output.operator_client_key).toMatchObject({ sensitive: true });
    for (const file of stacks.filter((f) => !isHub(f))) {
      const stack = JSON.parse(readFileSync(file, "utf8"));
      expect({ file, generators: Object.keys(stack.resource ?? {}).filter((type) => /^(tls_|random_)/.test(type)) }).toEqual({ file, generators: [] });
      expect(Object.keys(stack.data?.terraform_remote_state ?? {})).toEqual([`cross-stack-reference-input-${hubFile.split("/").slice(-2, -1)[0]}`]);
    }
  });

  it("stand in rendered files only as ${var.NAME} placeholders", () => {
    const secretFiles = [...rendered.entries()].filter(([key]) => key.includes("/secrets/"));
    for (const [key, content] of secretFiles) expect(content).toBe(`\${var.${key.split("/").pop()}}`);
    // Loki reads S3 keys only from its config: those are the one inline use of a variable.
    const inline = [...rendered.entries()].filter(([key]) => !key.includes("/secrets/")).flatMap(([key, content]) => [...content.matchAll(/\$\{var\.([a-z0-9_]+)\}/g)].map((m) => ({ key, variable: m[1] })));
    for (const use of inline) expect(use).toEqual({ key: expect.stringMatching(/\/loki(-[a-z]+)?\/loki\.yaml$/), variable: expect.stringMatching(/^loki_s3_/) });
    // Every variable stands in somewhere (a file of its own or Loki's config); grafana_admin_password is also the Grafana provider's.
    const referenced = new Set([...secretFiles.map(([key]) => key.split("/").pop()!), ...inline.map((u) => u.variable)]);
    expect(variables.filter((v) => !referenced.has(v))).toEqual([]);
  });
});
