// One cdktf stack rebuilt from a synthesized cdk.tf.json with cdktf's generic
// classes only: every element is a TerraformResource, TerraformDataSource,
// TerraformVariable, ... whose attributes are literal overrides. Synthesizing it
// costs what cdktf itself costs for that output: the floor of issue 16's benchmark.
import { Construct } from "constructs";
import {
  TerraformBackend,
  TerraformDataSource,
  TerraformElement,
  TerraformLocal,
  TerraformOutput,
  TerraformProvider,
  TerraformRemoteState,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
} from "cdktf";
import { CDKTF_METADATA_KEY, JsonObject } from "./synth-output";

export class LiteralStackError extends Error {}

function asObject(value: unknown, where: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new LiteralStackError(`${where}: expected a JSON object, got ${JSON.stringify(value)}`);
  return value as JsonObject;
}

/** addOverride splits its path at dots, so a key with a dot cannot be one literal segment. */
function segment(key: string, where: string): string {
  if (key.includes(".")) throw new LiteralStackError(`${where}: key ${JSON.stringify(key)} contains a dot, which addOverride would split`);
  return key;
}

/** Every top-level attribute of `attributes` as one literal override of `element`. */
function overrideAll(element: TerraformElement, attributes: JsonObject, where: string): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (key !== CDKTF_METADATA_KEY) element.addOverride(segment(key, where), value);
  }
}

/** A provider block of any type; its attributes are overrides (TerraformProvider is abstract). */
class LiteralProvider extends TerraformProvider {}

/** A backend of any type; its attributes are overrides. Only the project's stacks read remote state. */
class LiteralBackend extends TerraformBackend {
  constructor(scope: Construct, name: string) {
    super(scope, "backend", name);
  }

  getRemoteStateDataSource(): TerraformRemoteState {
    throw new LiteralStackError(`the floor's ${this.name} backend is not meant to be read by another stack`);
  }
}

/** `{ type: { name: attributes } }`, the shape of `resource` and `data`. */
function eachNamed(block: unknown, where: string, add: (type: string, name: string, attributes: JsonObject) => void): void {
  for (const [type, named] of Object.entries(asObject(block, where))) {
    for (const [name, attributes] of Object.entries(asObject(named, `${where}.${type}`))) add(type, name, asObject(attributes, `${where}.${type}.${name}`));
  }
}

function addTerraformBlock(stack: TerraformStack, terraform: JsonObject, providers: JsonObject): void {
  const { backend, required_providers: requiredProviders = {}, ...rest } = terraform;
  if (backend !== undefined) {
    for (const [name, config] of Object.entries(asObject(backend, "terraform.backend"))) {
      overrideAll(new LiteralBackend(stack, name), asObject(config, `terraform.backend.${name}`), `terraform.backend.${name}`);
    }
  }
  const required = asObject(requiredProviders, "terraform.required_providers");
  for (const [type, configs] of Object.entries(providers)) {
    if (!Array.isArray(configs)) throw new LiteralStackError(`provider.${type}: expected an array of provider blocks`);
    const { source, version } = (required[type] ?? {}) as { source?: string; version?: string };
    configs.forEach((config, i) => {
      const provider = new LiteralProvider(stack, `provider.${type}.${i}`, {
        terraformResourceType: type,
        terraformProviderSource: source,
        terraformGeneratorMetadata: version === undefined ? undefined : { providerName: type, providerVersion: version },
      });
      overrideAll(provider, asObject(config, `provider.${type}[${i}]`), `provider.${type}[${i}]`);
    });
  }
  // What the provider elements do not already emit: entries without a provider block, or with more than source and version.
  for (const [type, entry] of Object.entries(required)) {
    const covered = type in providers && typeof entry === "object" && entry !== null && Object.keys(entry).every((key) => key === "source" || key === "version");
    if (!covered) stack.addOverride(`terraform.required_providers.${segment(type, "terraform.required_providers")}`, entry);
  }
  for (const [key, value] of Object.entries(rest)) stack.addOverride(`terraform.${segment(key, "terraform")}`, value);
}

/**
 * Adds stack `name` to `scope`, holding exactly the blocks of `doc` (a parsed
 * cdk.tf.json): terraform (backend, required_providers, the rest), provider,
 * resource, data, variable, output, locals; any other top-level block is a stack
 * override. Element names are the logical ids of `doc`; `//` is left to cdktf.
 */
export function addLiteralStack(scope: Construct, name: string, doc: JsonObject): TerraformStack {
  const stack = new TerraformStack(scope, name);
  const { [CDKTF_METADATA_KEY]: _metadata, terraform = {}, provider = {}, resource = {}, data = {}, variable = {}, output = {}, locals = {}, ...otherBlocks } = doc;

  addTerraformBlock(stack, asObject(terraform, "terraform"), asObject(provider, "provider"));
  eachNamed(resource, "resource", (type, id, attributes) => {
    const element = new TerraformResource(stack, `resource.${type}.${id}`, { terraformResourceType: type });
    element.overrideLogicalId(id);
    overrideAll(element, attributes, `resource.${type}.${id}`);
  });
  eachNamed(data, "data", (type, id, attributes) => {
    const element = new TerraformDataSource(stack, `data.${type}.${id}`, { terraformResourceType: type });
    element.overrideLogicalId(id);
    overrideAll(element, attributes, `data.${type}.${id}`);
  });
  for (const [id, attributes] of Object.entries(asObject(variable, "variable"))) {
    const element = new TerraformVariable(stack, `variable.${id}`, {});
    element.overrideLogicalId(id);
    overrideAll(element, asObject(attributes, `variable.${id}`), `variable.${id}`);
  }
  for (const [id, attributes] of Object.entries(asObject(output, "output"))) {
    // value too is an override: the constructor's value would go through TerraformOutput's own value handling.
    const element = new TerraformOutput(stack, `output.${id}`, { value: undefined });
    element.overrideLogicalId(id);
    overrideAll(element, asObject(attributes, `output.${id}`), `output.${id}`);
  }
  for (const [id, expression] of Object.entries(asObject(locals, "locals"))) {
    // TerraformLocal takes no overrides: its expression is the literal.
    new TerraformLocal(stack, `local.${id}`, expression).overrideLogicalId(id);
  }
  for (const [key, value] of Object.entries(otherBlocks)) stack.addOverride(segment(key, "top level"), value);
  return stack;
}
