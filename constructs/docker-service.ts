import { Container } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { Aspects, Lazy } from "cdktf";
import { Construct } from "constructs";
import { secretsReferencedBy, toTerraformContent } from "./config/terraform-content";
import { SecretVariables } from "./secret-variables";

/** A generated file: uploaded into the container and copied to rendered/<stack>/<service>/<name>. */
export interface ServiceFile {
  /** Path inside the container. */
  readonly containerPath: string;
  /** Path below rendered/<stack>/<service>/. */
  readonly renderedName: string;
  readonly content: string;
  /** @default "0444" */
  readonly permissions?: string;
}

export interface PublishedPort {
  readonly containerPort: number;
  readonly hostPort: number;
  /** Host address to bind; 127.0.0.1 keeps the port local to the host. */
  readonly address: string;
}

export interface DataVolume {
  /** Suffix of the Docker volume name: `<service>-<name>`. */
  readonly name: string;
  readonly containerPath: string;
}

/** A named volume owned by another service, mounted here too (e.g. logs a log agent reads). */
export interface SharedVolume {
  readonly volume: Volume;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

export interface HostMount {
  readonly hostPath: string;
  readonly containerPath: string;
}

export interface DockerServiceProps {
  /** Container name, network alias and directory under rendered/<stack>/. */
  readonly serviceName: string;
  /** Pinned image reference from versions.ts. */
  readonly image: string;
  readonly network: Network;
  readonly secrets: SecretVariables;
  /**
   * Command run inside the container that exits 0 when the service is healthy.
   * `null` only for images with no shell or HTTP client (distroless): say in a
   * comment what watches the service instead.
   */
  readonly healthcheck: string[] | null;
  readonly memoryMb: number;
  /** @default - the image's own command */
  readonly command?: string[];
  /** @default [] */
  readonly env?: string[];
  /** @default - the image's own user */
  readonly user?: string;
  /** Files to upload; a function is called at synth time, after every add*() call. @default [] */
  readonly files?: readonly ServiceFile[] | (() => readonly ServiceFile[]);
  /** @default [] - nothing is published on the host */
  readonly ports?: PublishedPort[];
  /** Named volumes that hold the service's data; they outlive the container. @default [] */
  readonly dataVolumes?: DataVolume[];
  /** @default [] */
  readonly sharedVolumes?: SharedVolume[];
  /** Read-only host paths (node_exporter's view of the host, the Docker socket). @default [] */
  readonly hostMounts?: HostMount[];
  /** "host" shares the host's network stack instead of joining the stack network. @default - the stack network */
  readonly networkMode?: "host";
  /** @default - own PID namespace */
  readonly pidMode?: "host";
  /** Seconds Docker waits after SIGTERM before killing (Prometheus and Loki flush on shutdown). @default 30 */
  readonly stopTimeoutSeconds?: number;
}

/**
 * One long-running service: pinned image, container with the house defaults
 * (restart policy, healthcheck, memory limit, rotated logs, stack network) and
 * named data volumes that a config change never destroys.
 */
export class DockerService extends Construct {
  public readonly serviceName: string;
  private readonly produceFiles: () => readonly ServiceFile[];
  public readonly container: Container;
  public readonly volumes: readonly Volume[];

  constructor(scope: Construct, id: string, props: DockerServiceProps) {
    super(scope, id);
    this.serviceName = props.serviceName;
    const files = props.files ?? [];
    this.produceFiles = typeof files === "function" ? files : () => files;

    const image = new Image(this, "image", { name: props.image, keepLocally: true });
    this.volumes = (props.dataVolumes ?? []).map(
      (v) =>
        new Volume(this, `volume-${v.name}`, {
          name: `${props.serviceName}-${v.name}`,
          // Data outlives every config change; removing it takes a deliberate edit.
          lifecycle: { preventDestroy: true },
        }),
    );

    this.container = new Container(this, "container", {
      name: props.serviceName,
      image: image.imageId,
      restart: "unless-stopped",
      mustRun: true,
      command: props.command,
      env: props.env && props.env.length > 0 ? props.env : undefined,
      user: props.user,
      memory: props.memoryMb,
      stopTimeout: props.stopTimeoutSeconds ?? 30,
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "5" },
      healthcheck: props.healthcheck ? { test: ["CMD", ...props.healthcheck], interval: "30s", timeout: "5s", retries: 3, startPeriod: "60s" } : undefined,
      networkMode: props.networkMode,
      pidMode: props.pidMode,
      networksAdvanced: props.networkMode === "host" ? undefined : [{ name: props.network.name, aliases: [props.serviceName] }],
      ports: (props.ports ?? []).map((p) => ({ internal: p.containerPort, external: p.hostPort, ip: p.address, protocol: "tcp" })),
      volumes: [
        ...this.volumes.map((volume, i) => ({ volumeName: volume.name, containerPath: props.dataVolumes![i].containerPath })),
        ...(props.sharedVolumes ?? []).map((v) => ({ volumeName: v.volume.name, containerPath: v.containerPath, readOnly: v.readOnly })),
        ...(props.hostMounts ?? []).map((m) => ({ hostPath: m.hostPath, containerPath: m.containerPath, readOnly: true })),
      ],
      // Resolved at synth time: files may still grow through add*() until then.
      upload: Lazy.anyValue({
        produce: () =>
          this.files.map((f) => ({
            file: f.containerPath,
            content: toTerraformContent(f.content, (name) => props.secrets.token(name)),
            permissions: f.permissions ?? "0444",
          })),
      }),
    });

    // Declare the secrets the files refer to before synthesis resolves the uploads.
    Aspects.of(this).add({
      visit: (node) => {
        if (node !== this) return;
        for (const file of this.files) for (const name of secretsReferencedBy(file.content)) props.secrets.token(name);
      },
    });
  }

  /** The files as uploaded (secrets as `${var.NAME}` placeholders). */
  get files(): readonly ServiceFile[] {
    return this.produceFiles();
  }
}
