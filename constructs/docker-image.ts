import { Construct } from "constructs";
import { DockerResourceInTerraformForm } from "./docker-resource-form";

/** `docker_image` attributes DockerService sets. */
export interface DockerImageAttributes {
  readonly name: string;
  readonly keep_locally?: boolean;
}

/** A `docker_image`: pulls a pinned image onto the host. */
export class DockerImage extends DockerResourceInTerraformForm<DockerImageAttributes> {
  static readonly tfResourceType = "docker_image";
  private imageIdToken?: string;

  constructor(scope: Construct, id: string, attributes: DockerImageAttributes) {
    super(scope, id, DockerImage.tfResourceType, attributes);
  }

  /** `${docker_image.<id>.image_id}`, the ID a container runs: one token however many containers run it. */
  get imageId(): string {
    this.imageIdToken ??= this.getStringAttribute("image_id");
    return this.imageIdToken;
  }
}
