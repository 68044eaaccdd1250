// The Docker resources a service makes many of (containers, images) are written
// through cdktf's generic TerraformResource with their attributes already in
// Terraform's snake_case form. The provider's typed classes build a token object
// per block attribute in their constructors (a Container makes twelve, an Image
// seven), and cdktf captures a full stack trace for each: most of a large
// deployment's synth time. The attributes below are the subset DockerService
// writes, typed after the provider's schema (kreuzwerker/docker 3.x).
import { ITerraformDependable, TerraformResource, TerraformResourceLifecycle } from "cdktf";
import { Construct } from "constructs";

/**
 * What the prebuilt provider's classes report (@cdktf/provider-docker 12): cdktf
 * uses it to check that a docker provider is configured in the stack.
 */
export const DOCKER_PROVIDER_METADATA = { providerName: "docker", providerVersion: "3.6.2", providerVersionConstraint: "~> 3.0" } as const;

/** Meta-arguments DockerService sets. */
export interface DockerResourceMeta {
  readonly dependsOn?: ITerraformDependable[];
  readonly lifecycle?: TerraformResourceLifecycle;
}

/**
 * A resource of the docker provider whose attributes are given in Terraform's
 * form and synthesized as they are: `${...}` references inside them are cdktf
 * tokens and resolve as usual. JSON output only (what cdktf synth writes).
 */
export abstract class DockerResourceInTerraformForm<Attributes extends object> extends TerraformResource {
  constructor(scope: Construct, id: string, terraformResourceType: string, private readonly attributes: Attributes, meta: DockerResourceMeta = {}) {
    super(scope, id, { terraformResourceType, terraformGeneratorMetadata: { ...DOCKER_PROVIDER_METADATA }, dependsOn: meta.dependsOn, lifecycle: meta.lifecycle });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { ...(this.attributes as Record<string, unknown>) };
  }

  /** HCL output needs per-attribute type metadata these classes do not carry: refuse rather than drop attributes. */
  protected synthesizeHclAttributes(): Record<string, unknown> {
    throw new Error(`${this.node.path}: ${this.terraformResourceType} is written in Terraform's JSON form only; synthesize without hclOutput`);
  }
}
