// `npm run bench`'s floor (scripts/bench-floor.ts): a bare cdktf App that rebuilds
// the project's synthesized stacks from literals must synthesize the same
// Terraform, or its timings say nothing. Also the pure helpers of the bench report.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { marginalCosts, ratio, SizeResult } from "../scripts/bench-report";
import { floorDifferences, jsonDifferences, withoutCdktfMetadata } from "../scripts/floor/equivalence";
import { floorApp } from "../scripts/floor/floor-app";
import { addLiteralStack } from "../scripts/floor/literal-stack";
import { synthApp } from "../stacks/synth-app";
import { LARGE_HOUSEHOLD_FILE } from "./support/large-household";
import { ROOT } from "./support/example";

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "bench-floor-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));

describe("the floor of a project synth", () => {
  /** Synthesizes `inventoryFile` as the project does, then its floor; returns both output directories. */
  const projectAndFloor = (name: string, inventoryFile: string) => {
    const outdir = join(dir, `${name}-project`);
    const result = synthApp({ inventoryFile, outputs: { outdir, renderedDir: join(dir, `${name}-rendered`) } });
    expect(result.ok).toBe(true);
    const floorOutdir = join(dir, `${name}-floor`);
    floorApp(outdir, floorOutdir).synth();
    return { outdir, floorOutdir };
  };

  it.each([
    ["the example", join(ROOT, "inventory", "sites.yaml")],
    ["the large household", LARGE_HOUSEHOLD_FILE],
  ])("synthesizes %s's stacks equal to the project's, dependencies included", (name, inventoryFile) => {
    const { outdir, floorOutdir } = projectAndFloor(name.replace(/ /g, "-"), inventoryFile);
    expect(floorDifferences(outdir, floorOutdir)).toEqual([]);
    // Not vacuous: the floor wrote every stack, resources and all.
    const hub = readdirStacks(floorOutdir).find((s) => s.endsWith("hub"))!;
    expect(Object.keys(readJson(join(floorOutdir, "stacks", hub, "cdk.tf.json")).resource.docker_container).length).toBeGreaterThan(5);
  });

  it("reports an attribute the floor got wrong, and a stack it lacks", () => {
    const { outdir, floorOutdir } = projectAndFloor("tampered", join(ROOT, "inventory", "sites.yaml"));
    const hubFile = join(floorOutdir, "stacks", "hub", "cdk.tf.json");
    const hub = readJson(hubFile);
    const [name] = Object.keys(hub.resource.docker_container);
    hub.resource.docker_container[name].name = "renamed";
    writeFileSync(hubFile, JSON.stringify(hub));
    const manifestFile = join(floorOutdir, "manifest.json");
    const manifest = readJson(manifestFile);
    delete manifest.stacks.grafana;
    writeFileSync(manifestFile, JSON.stringify(manifest));

    const differences = floorDifferences(outdir, floorOutdir);
    expect(differences).toContainEqual(expect.stringMatching(new RegExp(`^hub: \\$\\.resource\\.docker_container\\.${name}\\.name: expected ".+", got "renamed"$`)));
    expect(differences).toContain("grafana: the floor has no such stack");
  });
});

function readdirStacks(outdir: string): string[] {
  return Object.keys(readJson(join(outdir, "manifest.json")).stacks);
}

describe("a literal stack", () => {
  it("holds every kind of block the example does not use: locals, aliased providers, extra terraform settings, moved", () => {
    const doc = {
      terraform: {
        backend: { local: { path: "/state/x.tfstate" } },
        required_providers: { docker: { source: "kreuzwerker/docker", version: "3.6.2" }, null: { source: "hashicorp/null" } },
        required_version: ">= 1.5",
      },
      provider: { docker: [{ host: "ssh://a" }, { alias: "b", host: "ssh://b" }] },
      resource: { docker_volume: { data: { name: "data", lifecycle: { prevent_destroy: true }, provider: "docker.b", labels: [] } } },
      data: { docker_network: { bridge: { name: "bridge" } } },
      variable: { secret: { type: "string", sensitive: true } },
      output: { volume: { value: "${docker_volume.data.name}", sensitive: false } },
      locals: { greeting: "${upper(\"hi\")}", nested: { a: [1, { "//": "kept" }] } },
      moved: [{ from: "docker_volume.old", to: "docker_volume.data" }],
    };
    const outdir = join(dir, "literal");
    const app = new App({ outdir });
    addLiteralStack(app, "literal", doc);
    app.synth();
    const synthesized = readJson(join(outdir, "stacks", "literal", "cdk.tf.json"));
    expect(jsonDifferences(doc, withoutCdktfMetadata(synthesized))).toEqual([]);
  });

  it("refuses an attribute name that addOverride would split", () => {
    const app = new App({ outdir: join(dir, "dotted") });
    expect(() => addLiteralStack(app, "dotted", { resource: { null_resource: { x: { "a.b": 1 } } } })).toThrow(/resource\.null_resource\.x: key "a\.b" contains a dot/);
  });
});

describe("comparing synthesized JSON", () => {
  it("leaves out cdktf's // at the top and on resources and data sources only", () => {
    const doc = {
      "//": { metadata: { stackName: "x" } },
      resource: { t: { r: { "//": { metadata: { path: "x/r" } }, labels: { "//": "data" } } } },
      data: { t: { d: { "//": {}, name: "n" } } },
      locals: { "//": "a local named //" },
    };
    expect(withoutCdktfMetadata(doc)).toEqual({ resource: { t: { r: { labels: { "//": "data" } } } }, data: { t: { d: { name: "n" } } }, locals: { "//": "a local named //" } });
  });

  it("names each differing path, ignoring key order", () => {
    expect(jsonDifferences({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toEqual([]);
    expect(jsonDifferences({ a: { b: [1, 2], c: "x" } }, { a: { b: [1, 3, 4], d: null } })).toEqual([
      "$.a.b: 2 items expected, got 3",
      "$.a.b[1]: expected 2, got 3",
      '$.a.c: expected "x", got (absent)',
      "$.a.d: expected (absent), got null",
    ]);
    expect(jsonDifferences({ a: 1 }, { a: "1" })).toEqual(['$.a: expected 1, got "1"']);
    expect(jsonDifferences([1, 2, 3], [4, 5, 6], 2)).toHaveLength(2);
  });
});

describe("the bench report", () => {
  // CPU time is twice the wall time in these made-up runs.
  const result = (sites: number, projectSeconds: number, floorSeconds: number, projectKiB: number, floorKiB: number): SizeResult => ({
    sites,
    stacks: 2 * sites + 2,
    resources: 0,
    dataSources: 0,
    project: { medianWallSeconds: projectSeconds, medianCpuSeconds: 2 * projectSeconds, peakRssKiB: projectKiB },
    floor: { medianWallSeconds: floorSeconds, medianCpuSeconds: 2 * floorSeconds, peakRssKiB: floorKiB },
    cdkTfJsonBytes: sites * 2048,
    renderedFiles: 0,
  });

  it("costs each added site between consecutive sizes, in size order", () => {
    const costs = marginalCosts([result(100, 7, 3, 300_000, 200_000), result(1, 0.5, 0.3, 100_000, 80_000), result(10, 1.4, 0.57, 109_000, 80_900)]);
    expect(costs.map((c) => [c.fromSites, c.toSites])).toEqual([
      [1, 10],
      [10, 100],
    ]);
    expect(costs[0].projectMsPerSite).toBeCloseTo(100);
    expect(costs[0].floorMsPerSite).toBeCloseTo(30);
    expect(costs[0].projectCpuMsPerSite).toBeCloseTo(200);
    expect(costs[0].floorCpuMsPerSite).toBeCloseTo(60);
    expect(costs[0].projectRssKiBPerSite).toBeCloseTo(1000);
    expect(costs[0].floorRssKiBPerSite).toBeCloseTo(100);
    expect(costs[1].projectMsPerSite).toBeCloseTo(62.22, 2);
    expect(costs[1].cdkTfJsonKiBPerSite).toBeCloseTo(2);
  });

  it("has nothing to say for one size, or a size given twice", () => {
    expect(marginalCosts([result(10, 1, 1, 1, 1)])).toEqual([]);
    expect(marginalCosts([result(10, 1, 1, 1, 1), result(10, 2, 2, 2, 2)])).toEqual([]);
  });

  it("states ratios as project over floor", () => {
    expect(ratio(3, 2)).toBe("1.50x");
  });
});
