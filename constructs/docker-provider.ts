import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Construct } from "constructs";
import { escapeTerraformTemplate } from "./config/terraform-content";

/**
 * The Docker provider of one host, reached over SSH. The host URL is typed by a
 * person, so it is Terraform text, never an expression.
 */
export function dockerHostProvider(scope: Construct, dockerHost: string): DockerProvider {
  return new DockerProvider(scope, "docker", { host: escapeTerraformTemplate(dockerHost), sshOpts: ["-o", "BatchMode=yes"] });
}
