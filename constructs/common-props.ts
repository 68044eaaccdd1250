import { Network } from "@cdktf/provider-docker/lib/network";
import type { IConstruct } from "constructs";
import type { Credentials } from "./credentials";
import { SecretVariables } from "./secret-variables";

/** What every service construct of a host needs from its stack. */
export interface HostContext {
  /** The Docker network the stack's services share. */
  readonly network: Network;
  /** The stack's sensitive variables. */
  readonly secrets: SecretVariables;
  /** The deployment's generated passwords and certificates (made in the hub stack). */
  readonly credentials: Credentials;
}

/**
 * Who may call a service and how it serves: the exporter-toolkit web config
 * (`--web.config.file`) of Prometheus, Alertmanager and the exporters.
 */
export interface WebAccess {
  /** Certificate to serve (`${tls.<host>.*}`); undefined serves plain HTTP (a lab site with TLS off). */
  readonly tlsHost?: string;
  /** Basic-auth users (password identities); each gets its bcrypt hash in the web config. */
  readonly users: readonly string[];
}

/** Publish a service port on the host. */
export interface HostBinding {
  /** Host address to bind; 127.0.0.1 keeps it local to the host. */
  readonly address: string;
  /** @default - the service's standard port */
  readonly port?: number;
}

/** The host port a service is published at; fails, naming it, when it is not published. */
export function publishedPortOf(owner: IConstruct, binding: HostBinding | undefined, containerPort: number): number {
  if (!binding) throw new Error(`${owner.node.path}: not published on its host, so nothing off the host can reach it; give it a publish binding`);
  return binding.port ?? containerPort;
}

export function publishedPorts(binding: HostBinding | undefined, containerPort: number) {
  return binding ? [{ containerPort, hostPort: binding.port ?? containerPort, address: binding.address }] : [];
}
