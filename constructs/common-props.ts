import { Network } from "@cdktf/provider-docker/lib/network";
import { SecretVariables } from "./secret-variables";

/** What every service construct of a host needs from its stack. */
export interface HostContext {
  /** The Docker network the stack's services share. */
  readonly network: Network;
  /** The stack's sensitive variables. */
  readonly secrets: SecretVariables;
}

/** Publish a service port on the host. */
export interface HostBinding {
  /** Host address to bind; 127.0.0.1 keeps it local to the host. */
  readonly address: string;
  /** @default - the service's standard port */
  readonly port?: number;
}

export function publishedPorts(binding: HostBinding | undefined, containerPort: number) {
  return binding ? [{ containerPort, hostPort: binding.port ?? containerPort, address: binding.address }] : [];
}
