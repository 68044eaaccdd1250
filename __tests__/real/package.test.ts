// The package as others install it: `npm pack`, then the example app in
// examples/raspberry-pi (its own, newer constructs 10.x) installs the tarball from
// the registry's view, compiles with plain tsc, runs with node and synthesizes.
// Slow tier: npm installs cdktf and the providers into a temporary copy.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../support/example";

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CHECKPOINT_DISABLE: "1" } });

describe("the packed package, used by an app of its own", () => {
  let work: string;
  let app: string;
  let tarball: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "package-"));
    const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], ROOT));
    tarball = join(work, packed[0].filename);
    app = join(work, "app");
    cpSync(join(ROOT, "examples", "raspberry-pi"), app, { recursive: true, filter: (src) => !/node_modules|dist|cdktf\.out/.test(src) });
    const manifest = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
    manifest.dependencies["home-observability"] = `file:${tarball}`;
    writeFileSync(join(app, "package.json"), JSON.stringify(manifest, null, 2));
    run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"], app);
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("ships compiled JavaScript, declarations, LICENSE and the API reference, and no tests or sources", () => {
    const files: string[] = JSON.parse(run("npm", ["pack", "--dry-run", "--json"], ROOT))[0].files.map((f: { path: string }) => f.path);
    expect(files).toEqual(expect.arrayContaining(["lib/index.js", "lib/index.d.ts", "lib/stacks/index.js", "lib/inventory/index.d.ts", "lib/.gen/providers/grafana/dashboard/index.js", "LICENSE", "CHANGELOG.md", "docs/api/README.md", "package.json"]));
    expect(files.filter((f) => /__tests__|\.test\.|^rendered\/|^examples\/|\.ts$/.test(f) && !f.endsWith(".d.ts"))).toEqual([]);
  });

  it("installs with one copy of constructs, the app's own", () => {
    const tree = JSON.parse(run("npm", ["ls", "constructs", "--all", "--json"], app));
    const versions = new Set<string>();
    const walk = (deps: Record<string, any> = {}) => {
      for (const [name, dep] of Object.entries(deps)) {
        if (name === "constructs") versions.add(dep.version);
        walk(dep.dependencies);
      }
    };
    walk(tree.dependencies);
    expect([...versions]).toEqual(["10.8.1"]);
    expect(readdirSync(join(app, "node_modules", "home-observability"))).not.toContain("node_modules");
  });

  it("compiles with plain tsc, runs with node and synthesizes the stack", () => {
    run(join(app, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], app);
    run("node", ["dist/main.js"], app);
    const stack = JSON.parse(readFileSync(join(app, "cdktf.out", "stacks", "shed", "cdk.tf.json"), "utf8"));
    const containers = Object.values(stack.resource.docker_container as Record<string, { name: string }>).map((c) => c.name).sort();
    expect(containers).toEqual(expect.arrayContaining(["alertmanager", "blackbox-exporter", "node-exporter", "prometheus", "prometheus-config-loader"]));
    expect(Object.keys(stack.variable)).toEqual(["phone_webhook_url"]);
    expect(stack.variable.phone_webhook_url.sensitive).toBe(true);
    // The components brought their scrape jobs and alert rules with them.
    const loader = Object.values(stack.resource.docker_container as Record<string, { name: string; upload: { file: string; content: string }[] }>).find((c) => c.name === "prometheus-config-loader")!;
    const uploaded = loader.upload.map((u) => u.file.replace(/^\/staging\//, "")).sort();
    expect(uploaded).toEqual(expect.arrayContaining(["rules/alertmanager.yml", "rules/cameras.yml", "rules/certificates.yml", "rules/node-exporter.yml", "rules/prometheus.yml"]));
    const config = loader.upload.find((u) => u.file === "/staging/prometheus.yml")!.content;
    expect(config).toContain("job_name: camera-probe");
    expect(config).toContain("__param_target: 192.168.1.60:554");
    // Placeholders became Terraform references: none is left as text.
    const leftovers = JSON.stringify(stack).match(/\$\{(?:password|bcrypt|tls)\.[^}]*\}|\\ue00[01]|[\ue000\ue001]/g);
    expect(leftovers).toBeNull();
  }, 120_000);
});
