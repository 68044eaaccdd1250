// DockerContainer, DockerImage and DockerVolume write what the provider's typed
// Container, Image and Volume classes write for the same settings: the same block of cdk.tf.json, the
// same generator metadata (cdktf's provider check), references that resolve alike.
import { Container, ContainerConfig } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { Lazy, Testing, TerraformStack } from "cdktf";
import { DockerContainer, DockerContainerAttributes } from "../constructs";
import { DockerImage } from "../constructs/docker-image";
import { DockerVolume } from "../constructs/docker-volume";

/** The one resource of `type` in a synthesized stack, without cdktf's `//` (its construct path differs). */
function onlyResource(stack: TerraformStack, type: string): Record<string, unknown> {
  const blocks = Object.values(JSON.parse(Testing.synth(stack)).resource[type] as Record<string, Record<string, unknown>>);
  expect(blocks).toHaveLength(1);
  const { "//": _metadata, ...attributes } = blocks[0];
  return attributes;
}

/** A stack with a network, a volume and an image to refer to; `build` adds the container under test. */
function synthContainer(build: (stack: TerraformStack, refs: { image: string; network: string; volume: string; dependency: Volume }) => void): Record<string, unknown> {
  const stack = new TerraformStack(Testing.app(), "host");
  const network = new Network(stack, "network", { name: "observability" });
  const volume = new Volume(stack, "data", { name: "svc-data" });
  const image = new Image(stack, "image", { name: "busybox:1.36", keepLocally: true });
  build(stack, { image: image.imageId, network: network.name, volume: volume.name, dependency: volume });
  return onlyResource(stack, "docker_container");
}

describe("DockerContainer", () => {
  it("synthesizes every attribute DockerService sets as the provider's Container does", () => {
    const typed = (refs: { image: string; network: string; volume: string }): ContainerConfig => ({
      name: "svc",
      image: refs.image,
      attach: false,
      restart: "unless-stopped",
      mustRun: true,
      command: ["--flag=1"],
      env: ["A=1"],
      user: "65534",
      securityOpts: ["no-new-privileges:true"],
      capabilities: { drop: ["ALL"], add: ["NET_RAW"] },
      readOnly: true,
      tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
      memory: 128,
      stopTimeout: 30,
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "5" },
      healthcheck: { test: ["CMD", "true"], interval: "10s", timeout: "5s", retries: 3, startPeriod: "60s", startInterval: "2s" },
      wait: true,
      waitTimeout: 60,
      destroyGraceSeconds: 30,
      pidMode: "host",
      networkMode: "bridge",
      networksAdvanced: [{ name: refs.network, aliases: ["svc"] }],
      ports: [{ internal: 9100, external: 9100, ip: "127.0.0.1", protocol: "tcp" }],
      volumes: [
        { volumeName: refs.volume, containerPath: "/data" },
        { hostPath: "/proc", containerPath: "/host/proc", readOnly: true },
      ],
      upload: [{ file: "/etc/svc.yml", content: "a: $${b}\n", permissions: "0444" }],
      lifecycle: { postcondition: [{ condition: "${self.exit_code == 0}", errorMessage: "failed" }] },
    });
    const generic = (refs: { image: string; network: string; volume: string }): DockerContainerAttributes => ({
      name: "svc",
      image: refs.image,
      attach: false,
      restart: "unless-stopped",
      must_run: true,
      command: ["--flag=1"],
      env: ["A=1"],
      user: "65534",
      security_opts: ["no-new-privileges:true"],
      capabilities: { drop: ["ALL"], add: ["NET_RAW"] },
      read_only: true,
      tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
      memory: 128,
      stop_timeout: 30,
      log_driver: "json-file",
      log_opts: { "max-size": "10m", "max-file": "5" },
      healthcheck: { test: ["CMD", "true"], interval: "10s", timeout: "5s", retries: 3, start_period: "60s", start_interval: "2s" },
      wait: true,
      wait_timeout: 60,
      destroy_grace_seconds: 30,
      pid_mode: "host",
      network_mode: "bridge",
      networks_advanced: [{ name: refs.network, aliases: ["svc"] }],
      ports: [{ internal: 9100, external: 9100, ip: "127.0.0.1", protocol: "tcp" }],
      volumes: [
        { volume_name: refs.volume, container_path: "/data" },
        { host_path: "/proc", container_path: "/host/proc", read_only: true },
      ],
      upload: [{ file: "/etc/svc.yml", content: "a: $${b}\n", permissions: "0444" }],
    });
    const expected = synthContainer((stack, refs) => new Container(stack, "container", { ...typed(refs), dependsOn: [refs.dependency] }));
    const actual = synthContainer(
      (stack, refs) =>
        new DockerContainer(stack, "container", generic(refs), { dependsOn: [refs.dependency], lifecycle: { postcondition: [{ condition: "${self.exit_code == 0}", errorMessage: "failed" }] } }),
    );
    expect(actual).toEqual(expected);
    expect(actual.image).toBe("${docker_image.image.image_id}");
  });

  it("synthesizes a minimal container, unset blocks and a lazy upload as the provider's Container does", () => {
    const upload = () => Lazy.anyValue({ produce: () => [{ file: "/a", content: "x", permissions: "0444" }] });
    const expected = synthContainer((stack, refs) => new Container(stack, "container", { name: "svc", image: refs.image, ports: [], volumes: [], upload: upload() as never }));
    const actual = synthContainer((stack, refs) => new DockerContainer(stack, "container", { name: "svc", image: refs.image, ports: [], volumes: [], upload: upload() }));
    expect(actual).toEqual(expected);
    expect(actual.ports).toEqual([]);
  });

  it("keeps the address docker_container.<id> and the provider's generator metadata", () => {
    const stack = new TerraformStack(Testing.app(), "host");
    const generic = new DockerContainer(stack, "container", { name: "svc", image: "busybox:1.36" });
    const typed = new Container(stack, "typed", { name: "svc2", image: "busybox:1.36" });
    expect(generic.terraformResourceType).toBe(Container.tfResourceType);
    expect(generic.terraformGeneratorMetadata).toEqual(typed.terraformGeneratorMetadata);
    expect(Object.keys(JSON.parse(Testing.synth(stack)).resource.docker_container)).toEqual(["container", "typed"]);
  });

  it("fails when asked for HCL output, naming the resource", () => {
    const stack = new TerraformStack(Testing.app(), "host");
    new DockerContainer(stack, "container", { name: "svc", image: "busybox:1.36" });
    expect(() => Testing.synthHcl(stack)).toThrow(/host\/container: docker_container is written in Terraform's JSON form only/);
  });
});

describe("DockerImage", () => {
  it("synthesizes as the provider's Image does, with the same image_id reference and metadata", () => {
    const typedStack = new TerraformStack(Testing.app(), "host");
    const typed = new Image(typedStack, "image", { name: "busybox:1.36", keepLocally: true });
    const genericStack = new TerraformStack(Testing.app(), "host");
    const generic = new DockerImage(genericStack, "image", { name: "busybox:1.36", keep_locally: true });
    expect(onlyResource(genericStack, "docker_image")).toEqual(onlyResource(typedStack, "docker_image"));
    expect(generic.terraformResourceType).toBe(Image.tfResourceType);
    expect(generic.terraformGeneratorMetadata).toEqual(typed.terraformGeneratorMetadata);
    new DockerContainer(genericStack, "container", { name: "c", image: generic.imageId });
    expect(onlyResource(genericStack, "docker_container").image).toBe("${docker_image.image.image_id}");
  });
});

describe("DockerVolume", () => {
  it("synthesizes as the provider's Volume does, with one name token however often it is mounted", () => {
    const typedStack = new TerraformStack(Testing.app(), "host");
    const typed = new Volume(typedStack, "config-volume", { name: "svc-config" });
    const genericStack = new TerraformStack(Testing.app(), "host");
    const generic = new DockerVolume(genericStack, "config-volume", { name: "svc-config" });
    expect(onlyResource(genericStack, "docker_volume")).toEqual(onlyResource(typedStack, "docker_volume"));
    expect(generic.terraformResourceType).toBe(Volume.tfResourceType);
    expect(generic.terraformGeneratorMetadata).toEqual(typed.terraformGeneratorMetadata);
    expect(generic.name).toBe(generic.name);
    new DockerContainer(genericStack, "container", { name: "c", image: "busybox:1.36", volumes: [{ volume_name: generic.name, container_path: "/config" }] });
    expect(onlyResource(genericStack, "docker_container").volumes).toEqual([{ volume_name: "${docker_volume.config-volume.name}", container_path: "/config" }]);
  });
});
