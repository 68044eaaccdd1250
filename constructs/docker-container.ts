import { IResolvable } from "cdktf";
import { Construct } from "constructs";
import { DockerResourceInTerraformForm, DockerResourceMeta } from "./docker-resource-form";

/** `docker_container` attributes DockerService sets, in the provider's schema names. */
export interface DockerContainerAttributes {
  readonly name: string;
  readonly image: string;
  readonly attach?: boolean;
  readonly restart?: string;
  readonly must_run?: boolean;
  readonly command?: string[];
  readonly env?: string[];
  readonly user?: string;
  readonly security_opts?: string[];
  readonly capabilities?: { readonly add?: string[]; readonly drop?: string[] };
  readonly read_only?: boolean;
  readonly tmpfs?: Record<string, string>;
  readonly memory?: number;
  readonly stop_timeout?: number;
  readonly log_driver?: string;
  readonly log_opts?: Record<string, string>;
  readonly healthcheck?: {
    readonly test: string[];
    readonly interval?: string;
    readonly timeout?: string;
    readonly retries?: number;
    readonly start_period?: string;
    readonly start_interval?: string;
  };
  readonly wait?: boolean;
  readonly wait_timeout?: number;
  readonly destroy_grace_seconds?: number;
  readonly network_mode?: string;
  readonly pid_mode?: string;
  readonly networks_advanced?: { readonly name: string; readonly aliases?: string[] }[];
  readonly ports?: { readonly internal: number; readonly external?: number; readonly ip?: string; readonly protocol?: string }[];
  readonly volumes?: { readonly container_path?: string; readonly host_path?: string; readonly read_only?: boolean; readonly volume_name?: string }[];
  /** Files to upload; a token when they are produced at synth time. */
  readonly upload?: { readonly file: string; readonly content: string; readonly permissions?: string }[] | IResolvable;
}

/** A `docker_container`. */
export class DockerContainer extends DockerResourceInTerraformForm<DockerContainerAttributes> {
  static readonly tfResourceType = "docker_container";

  constructor(scope: Construct, id: string, attributes: DockerContainerAttributes, meta: DockerResourceMeta = {}) {
    super(scope, id, DockerContainer.tfResourceType, attributes, meta);
  }
}
