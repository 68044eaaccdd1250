import { TerraformStack } from "cdktf";
import { Construct, IConstruct } from "constructs";

/** What one Docker host can hold only once. */
export type HostClaim =
  | { readonly kind: "container"; readonly name: string }
  | { readonly kind: "volume"; readonly name: string }
  /** A listening socket on the host: a published port, or a listener on the host network. */
  | { readonly kind: "binding"; readonly address: string; readonly port: number };

/** Thrown when two constructs of one Docker host claim the same thing; names both. */
export class HostConflictError extends Error {
  constructor(
    readonly claim: HostClaim,
    readonly owner: IConstruct,
    readonly other: IConstruct,
  ) {
    super(`${owner.node.path}: ${describe(claim)} is already used on this Docker host by ${other.node.path}`);
    this.name = "HostConflictError";
  }
}

const registries = new WeakMap<TerraformStack, DockerHostRegistry>();

/**
 * Everything made on one Docker host (one stack: one provider, one engine) and
 * who made it. What runs on a host is what was constructed in its stack, so no
 * list of names is kept by hand: a second container, volume or address:port of
 * the same name fails at construction.
 */
export class DockerHostRegistry {
  private readonly claims: { claim: HostClaim; owner: IConstruct }[] = [];

  static of(scope: Construct): DockerHostRegistry {
    const stack = TerraformStack.of(scope);
    let registry = registries.get(stack);
    if (!registry) registries.set(stack, (registry = new DockerHostRegistry()));
    return registry;
  }

  claim(claim: HostClaim, owner: IConstruct): void {
    const taken = this.claims.find((c) => overlaps(c.claim, claim));
    if (taken) throw new HostConflictError(claim, owner, taken.owner);
    this.claims.push({ claim, owner });
  }
}

function overlaps(a: HostClaim, b: HostClaim): boolean {
  if (a.kind === "binding" && b.kind === "binding")
    // 0.0.0.0 listens on every address of the host.
    return a.port === b.port && (a.address === b.address || a.address === "0.0.0.0" || b.address === "0.0.0.0");
  return a.kind === b.kind && "name" in a && "name" in b && a.name === b.name;
}

function describe(claim: HostClaim): string {
  return claim.kind === "binding" ? `address ${claim.address}:${claim.port}` : `${claim.kind} name "${claim.name}"`;
}
