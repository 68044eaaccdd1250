// Property: a hostile string in any free-text field of the inventory is refused
// with a plain message, or it reaches no output as code: not as a Terraform
// expression in cdk.tf.json, not as structure in a rendered file, not as a Go
// template. Fixed seed, so CI runs the same cases every time.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import fc from "fast-check";
import { parse, parseAllDocuments } from "yaml";
import { InventoryError, inventoryProblem, parseInventory } from "../inventory/load";
import { defineStacks } from "../stacks/app";
import { renderedFiles } from "../stacks/rendered-files";
import { exampleDocument } from "./support/example";
import { stringify } from "yaml";

/** Every string field of the example inventory, as a path (lists: their first item). */
function stringFields(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "string") return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringFields(item, [...path, i]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => stringFields(v, [...path, k]));
  return [];
}

const HOSTILE_FRAGMENTS = ["${", "%{", "{{", "}}", "${password.operator}", "${var.smtp_password}", "${tls.hub.key}", "${bcrypt.operator}", "%{ if true }", "{{ with query \"up\" }}", '"', "'", "\n", "\r\n", "\u0000", "\u202e", "\ue000password.operator\ue001", "a: b", "- x", "#", "\\"];

const hostileString = fc.oneof(
  fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...HOSTILE_FRAGMENTS), fc.string({ maxLength: 8 })).map(([a, h, b]) => a + h + b),
  fc.string({ minLength: 1025, maxLength: 1500 }),
  fc.string({ unit: "binary", maxLength: 40 }),
);

function set(doc: Record<string, any>, path: (string | number)[], value: string) {
  let node = doc;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]] = value;
}

/** Key paths of a YAML or JSON document: its structure, whatever the scalars. */
function structureOf(text: string): string[] {
  const keys: string[] = [];
  const walk = (v: unknown, p: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${p}[${i}]`));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${p}.${k}`);
    else keys.push(p);
  };
  for (const doc of parseAllDocuments(text)) walk(doc.toJS(), "");
  return keys;
}

const STRUCTURED = /\.(ya?ml|json)$/;
const count = (text: string, what: string) => text.split(what).length - 1;

function synthesize(doc: unknown) {
  const inventory = parseInventory(stringify(doc), "inventory.yaml");
  const outdir = mkdtempSync(join(tmpdir(), "property-"));
  try {
    const app = new App({ outdir });
    defineStacks(app, inventory);
    const files = renderedFiles(app);
    app.synth();
    const stacks = readdirSync(join(outdir, "stacks")).map((s) => readFileSync(join(outdir, "stacks", s, "cdk.tf.json"), "utf8"));
    return { files, stacks };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("hostile strings in every free-text field", () => {
  const example = exampleDocument();
  const fields = stringFields(example);
  const baseline = synthesize(example);

  it("finds the fields to attack", () => {
    expect(fields.length).toBeGreaterThan(40);
  });

  it("refuses each with a plain message, or keeps it inert everywhere it lands", () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.constantFrom(...fields), hostileString, (field, value) => {
        const doc = structuredClone(example);
        set(doc, field, value);
        try {
          parseInventory(stringify(doc), "inventory.yaml");
        } catch (err) {
          // Refused: a plain message for the operator, never a crash.
          expect(err).toBeInstanceOf(InventoryError);
          return;
        }
        // Accepted values are synthesized (a bounded number of times: a synth takes about a second).
        if (++accepted > 5) return;
        const { files, stacks } = synthesize(doc);
        for (const json of stacks) {
          // Every ${ or %{ that came from text is escaped ($${, %%{).
          for (const fragment of ["${password.", "${var.smtp", "${tls.hub", "${bcrypt.", "%{ if"]) expect(json.replace(/\$\$\{|%%\{/g, "")).not.toContain(fragment);
        }
        for (const [key, content] of files) {
          const before = baseline.files.get(key);
          if (before === undefined) continue;
          if (STRUCTURED.test(key)) expect(structureOf(content)).toEqual(structureOf(before));
          expect(count(content, "{{")).toBe(count(before, "{{"));
        }
      }),
      { seed: 20261201, numRuns: 400 },
    );
  });

  it("says where a problem found after validation is, masking passwords", () => {
    const dir = mkdtempSync(join(tmpdir(), "problem-"));
    try {
      const file = join(dir, "inventory.yaml");
      require("node:fs").writeFileSync(file, "hub:\n  dockerHost: ssh://ops:hunter2@hub\n");
      expect(inventoryProblem(file, ["hub", "dockerHost"], "is refused")).toBe(`${file}:2:15 hub.dockerHost: is refused, got "ssh://ops:***@hub"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps legitimate text inert where Prometheus expands templates (constructs used directly)", () => {
    const { renderRuleGroups } = require("../constructs/config/rule-files");
    const { cameraRules } = require("../alert-rules/cameras");
    const { resolveAlertSettings } = require("../alert-rules/settings");
    const text = renderRuleGroups(cameraRules(resolveAlertSettings(), { intervalSeconds: 15, timeoutSeconds: 5 }).groups, 'https://git.example/{{ with query "up" }}x{{ end }}');
    const urls = parse(text).groups.flatMap((g: any) => g.rules.map((r: any) => r.annotations?.runbook_url)).filter(Boolean);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toMatch(/^https:\/\/git\.example\/\{\{ "\{\{" \}\} with query "up" \}\}x\{\{ "\{\{" \}\} end \}\}#/);
  });
});
