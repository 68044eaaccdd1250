import { Construct } from "constructs";
import { DockerResourceInTerraformForm } from "./docker-resource-form";

/** `docker_volume` attributes of a volume DockerService keeps to itself. */
export interface DockerVolumeAttributes {
  readonly name: string;
}

/**
 * A `docker_volume` that no component hands out (a config loader's volume).
 * Data volumes stay the provider's `Volume`: components pass them on by that type.
 */
export class DockerVolume extends DockerResourceInTerraformForm<DockerVolumeAttributes> {
  static readonly tfResourceType = "docker_volume";
  private nameToken?: string;

  constructor(scope: Construct, id: string, attributes: DockerVolumeAttributes) {
    super(scope, id, DockerVolume.tfResourceType, attributes);
  }

  /** `${docker_volume.<id>.name}`, one token for every container that mounts it. */
  get name(): string {
    this.nameToken ??= this.getStringAttribute("name");
    return this.nameToken;
  }
}
