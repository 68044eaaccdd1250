// Generates the cdktf TypeScript bindings for the Terraform provider grafana/grafana
// into .gen/providers/grafana, offline, from the provider's real schema (the JSON
// `terraform providers schema -json` prints; see ../shared/provider-schemas/README.md).
// The output is what `cdktf get` writes for
//   { "name": "grafana", "source": "grafana/grafana", "version": "~> 4.45" }
// (provider 4.45.1), except that only the resources listed on the command line are
// kept: every other resource, every data source and the provider functions are
// dropped from the schema before generating. The generated bindings are committed;
// the schema is not.
//
// Regenerate (after `npx tsc -p .`), from the project root:
//
//   node dist/scripts/generate-grafana-bindings.js ../shared/provider-schemas/grafana-v4.45.1.json \
//     grafana_data_source grafana_folder grafana_dashboard
//
// Usage: node dist/scripts/generate-grafana-bindings.js <schema.json> <resource> [<resource>...]
//
// Whatever was in .gen/providers/grafana is replaced. Output is deterministic: the
// same schema and resource list give byte-identical files (resources are emitted in
// name order, whatever the order on the command line).
//
// Synthesized stacks require grafana/grafana at exactly 4.45.1: cdktf writes the
// generated-from version (provider_versions, which `cdktf get` records too) into
// required_providers, and keeps "~> 4.45" only as the bindings' metadata.
//
// With network access, `cdktf get` generates this provider from the registry when
// cdktf.json's "terraformProviders" holds the constraint above; it then emits every
// resource and data source, of the newest 4.x release, plus .gen/versions.json and
// .gen/constraints.json. Beware: `cdktf get` deletes .gen/providers/<name> for any
// provider cdktf.json does not declare.
//
// Only node: built-ins are imported eagerly. The generator is required lazily, after
// TF_CLI_CONFIG_FILE is removed from this process's environment: importing
// @cdktf/commons starts `terraform version`, which otherwise warns about that file.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Provider, ProviderSchema } from "@cdktf/commons";

/**
 * Project root: the nearest folder above this file with a cdktf.json (this file
 * runs as dist/scripts/generate-grafana-bindings.js, or from scripts/ under jest).
 */
const ROOT = findRoot(__dirname);
/** Where `cdktf get` writes TypeScript bindings (cdktf.json "codeMakerOutput"). */
const CODE_MAKER_OUTPUT = ".gen";

/** The provider, as cdktf.json's "terraformProviders" would declare it. */
const PROVIDER = { name: "grafana", source: "grafana/grafana", version: "~> 4.45" } as const;
/** The provider release the schema was taken from. */
const PROVIDER_VERSION = "4.45.1";
/** The provider's key in the schema's "provider_schemas". */
const FQPN = "registry.terraform.io/grafana/grafana";

export function findRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "cdktf.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no cdktf.json above ${start}`);
  }
}

/** A failure to report plainly (no stack trace) before exiting non-zero. */
export class GenerateError extends Error {}

const USAGE = "usage: node dist/scripts/generate-grafana-bindings.js <schema.json> <resource> [<resource>...]";

/**
 * The schema reduced to the provider block and `resources` (sorted by name), with
 * provider_versions set as `cdktf get` sets it. Fails, naming them, if any resource
 * is not in the schema.
 */
export function reduceSchema(schema: ProviderSchema, resources: readonly string[]): ProviderSchema {
  const provider = schema.provider_schemas?.[FQPN];
  if (!provider) {
    const found = Object.keys(schema.provider_schemas ?? {}).join(", ") || "none";
    throw new GenerateError(`the schema has no provider ${FQPN} (providers found: ${found})`);
  }
  if (!provider.provider) throw new GenerateError(`the schema of ${FQPN} has no provider block`);
  const wanted = [...new Set(resources)].sort();
  const missing = wanted.filter((name) => !Object.prototype.hasOwnProperty.call(provider.resource_schemas ?? {}, name));
  if (missing.length > 0) {
    const hints = missing.map((name) =>
      Object.prototype.hasOwnProperty.call(provider.data_source_schemas ?? {}, name)
        ? `${name} (a data source, not a resource)`
        : name,
    );
    throw new GenerateError(
      `resource${missing.length > 1 ? "s" : ""} not in the ${FQPN} schema: ${hints.join(", ")}`,
    );
  }
  const resourceSchemas: Provider["resource_schemas"] = {};
  for (const name of wanted) resourceSchemas[name] = provider.resource_schemas[name]!;
  return {
    format_version: schema.format_version,
    provider_schemas: {
      [FQPN]: { provider: provider.provider, resource_schemas: resourceSchemas, data_source_schemas: {} },
    },
    provider_versions: { [FQPN]: PROVIDER_VERSION },
  };
}

/** Every file under `dir`, as paths relative to it with "/" separators, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const full = join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join("/"));
    }
  };
  walk(dir);
  return out;
}

/**
 * Generates the bindings for `resources` from the schema at `schemaPath` and
 * replaces `<outRoot>/providers/grafana` with them. Returns the files written,
 * relative to that folder.
 */
export async function generateBindings(
  schemaPath: string,
  resources: readonly string[],
  outRoot: string = join(ROOT, CODE_MAKER_OUTPUT),
): Promise<string[]> {
  if (resources.length === 0) throw new GenerateError(USAGE);
  const fileVersion = /-v(\d+\.\d+\.\d+)\.json$/.exec(schemaPath)?.[1];
  if (fileVersion !== undefined && fileVersion !== PROVIDER_VERSION) {
    throw new GenerateError(
      `${schemaPath} looks like provider v${fileVersion}, but this script generates v${PROVIDER_VERSION} ` +
        `(constraint "${PROVIDER.version}"): update PROVIDER_VERSION / PROVIDER.version first`,
    );
  }

  let schema: ProviderSchema;
  try {
    schema = JSON.parse(readFileSync(schemaPath, "utf8")) as ProviderSchema;
  } catch (err) {
    throw new GenerateError(`cannot read schema ${schemaPath}: ${(err as Error).message}`);
  }
  const reduced = reduceSchema(schema, resources);

  delete process.env.TF_CLI_CONFIG_FILE;
  const { ConstructsMakerProviderTarget, Language, TerraformProviderConstraint } =
    require("@cdktf/commons") as typeof import("@cdktf/commons");
  const { TerraformProviderGenerator } =
    require("@cdktf/provider-generator/lib/get/generator/provider-generator") as typeof import("@cdktf/provider-generator/lib/get/generator/provider-generator");
  const { CodeMaker } = require("codemaker") as typeof import("codemaker");

  const code = new CodeMaker();
  const generator = new TerraformProviderGenerator(code, reduced);
  generator.generate(
    new ConstructsMakerProviderTarget(new TerraformProviderConstraint(PROVIDER), Language.TYPESCRIPT),
  );

  // Generate into a scratch directory, check that nothing lands outside
  // providers/grafana, then swap it in for the previous bindings.
  const scratch = mkdtempSync(join(tmpdir(), "grafana-bindings-"));
  try {
    await code.save(scratch);
    const prefix = `providers/${PROVIDER.name}/`;
    const stray = listFiles(scratch).filter((file) => !file.startsWith(prefix));
    if (stray.length > 0) throw new GenerateError(`generator wrote files outside ${prefix}: ${stray.join(", ")}`);

    const target = join(outRoot, "providers", PROVIDER.name);
    const staged = `${target}.new`;
    rmSync(staged, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(scratch, "providers", PROVIDER.name), staged, { recursive: true });
    rmSync(target, { recursive: true, force: true });
    renameSync(staged, target);
    return listFiles(target);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const [schemaPath, ...resources] = argv;
  if (!schemaPath || resources.length === 0) throw new GenerateError(USAGE);
  const outRoot = join(ROOT, CODE_MAKER_OUTPUT);
  const files = await generateBindings(schemaPath, resources, outRoot);
  const target = join(outRoot, "providers", PROVIDER.name);
  const bytes = files.reduce((sum, file) => sum + statSync(join(target, file)).size, 0);
  const kept = [...new Set(resources)].sort().join(", ");
  console.log(
    `wrote ${files.length} files (${bytes} bytes) to ${relative(process.cwd(), target)} ` +
      `for ${FQPN} ${PROVIDER_VERSION}: provider + ${kept}`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    if (err instanceof GenerateError) console.error(`generate-grafana-bindings: ${err.message}`);
    else console.error(err);
    process.exitCode = 1;
  });
}
