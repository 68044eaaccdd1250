import { Network } from "@cdktf/provider-docker/lib/network";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { Aspects, Lazy, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { displayForm, Placeholder, secretsReferencedBy, toTerraformContent } from "./config/terraform-content";
import type { Credentials } from "./credentials";
import { DockerContainer } from "./docker-container";
import { DockerImage } from "./docker-image";
import { DockerVolume } from "./docker-volume";
import { DockerHostRegistry } from "./docker-host-registry";
import { SecretVariables } from "./secret-variables";
import { IMAGES } from "../versions";
import { hostPathProblem, IMAGE_RULE, isPinnedImage } from "./value-types";
import { PropProblems } from "./validation";

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
  /**
   * Host directory the volume keeps its data in (the inventory's `storage`): a
   * local-driver volume bound to it (type=none, o=bind), still managed by Terraform.
   * @default - a named volume wherever the Docker engine keeps them
   */
  readonly hostPath?: string;
}

/**
 * Local-driver options that keep a Docker volume's data in `hostPath`: Docker
 * bind-mounts the directory (which must exist on the host) wherever the volume is
 * mounted. driver and driver_opts force a new volume when they change.
 */
export function bindVolumeOptions(hostPath: string): { driver: string; driverOpts: Record<string, string> } {
  return { driver: "local", driverOpts: { type: "none", o: "bind", device: hostPath } };
}

/** One `${docker_network.<id>.name}` token per network, however many services join it (cdktf captures a stack trace per token). */
const networkNames = new WeakMap<Network, string>();
function networkName(network: Network): string {
  let name = networkNames.get(network);
  if (name === undefined) networkNames.set(network, (name = network.name));
  return name;
}

/** Host directories of the bind-backed volumes per stack (one Docker host): no two volumes on one path. */
const hostPathsOfStack = new WeakMap<TerraformStack, Map<string, string>>();

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
  /** Also joins these networks (Loki's internal network). @default [] */
  readonly extraNetworks?: Network[];
  readonly secrets: SecretVariables;
  /** Generated passwords and certificates, for `${password.*}`/`${bcrypt.*}`/`${tls.*}` placeholders. */
  readonly credentials: Credentials;
  /**
   * The host whose certificate it serves: clients on the network dial it by its
   * container name, so that name joins the certificate. @default - it serves no certificate
   */
  readonly servesCertificateOf?: string;
  /**
   * Command run inside the container that exits 0 when the service is healthy;
   * the apply waits for it (`wait`). `null` only for the operator's own images,
   * whose contents are unknown: say in a comment what watches the service instead.
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
  /** Where a host-network service listens, so no other service of the host binds it too. @default [] */
  readonly hostListeners?: { readonly address: string; readonly port: number }[];
  /** @default - own PID namespace */
  readonly pidMode?: "host";
  /**
   * Mount the image's root filesystem read-only. Every file must then sit under
   * `configDir`, which is a volume filled by a one-shot loader container and
   * mounted read-only (see ConfigLoader below). @default false
   */
  readonly readOnlyRootfs?: boolean;
  /** The directory all files are uploaded under (required with readOnlyRootfs). */
  readonly configDir?: string;
  /** Scratch directories as tmpfs (e.g. /tmp) for a read-only root. @default [] */
  readonly tmpfsDirs?: string[];
  /** Capabilities kept; every other one is dropped. @default [] */
  readonly capabilities?: string[];
  /** Seconds Docker waits after SIGTERM before killing (Prometheus and Loki flush on shutdown). @default 30 */
  readonly stopTimeoutSeconds?: number;
  /** With a healthcheck, how long an apply waits for the container to be healthy before it fails. @default 60 */
  readonly healthyWithinSeconds?: number;
}

const LOADER_IMAGE_ID = "config-loader-image";
/** Where the config loader receives files before copying them onto the config volume. */
const STAGING = "/staging";

/**
 * One long-running service: pinned image, container with the house defaults
 * (restart policy, healthcheck, memory limit, rotated logs, stack network) and
 * named data volumes that a config change never destroys.
 */
export class DockerService extends Construct {
  public readonly serviceName: string;
  private readonly produceFiles: () => readonly ServiceFile[];
  /** The service's `docker_container` (address `docker_container.<id>`, as with the provider's Container class). */
  public readonly container: DockerContainer;
  public readonly volumes: readonly Volume[];

  constructor(scope: Construct, id: string, props: DockerServiceProps) {
    super(scope, id);
    this.serviceName = props.serviceName;
    const files = props.files ?? [];
    this.produceFiles = typeof files === "function" ? files : () => files;

    const problems = new PropProblems(this);
    problems.require(isPinnedImage(props.image), "image", `${IMAGE_RULE}, and not the floating tag 'latest'`, props.image);
    const stackPaths = hostPathsOfStack.get(TerraformStack.of(this)) ?? new Map<string, string>();
    hostPathsOfStack.set(TerraformStack.of(this), stackPaths);
    (props.dataVolumes ?? []).forEach((v, i) => {
      if (v.hostPath === undefined) return;
      const volumeName = `${props.serviceName}-${v.name}`;
      const problem = hostPathProblem(v.hostPath);
      const other = [...stackPaths].find(([path]) => path === v.hostPath || path.startsWith(`${v.hostPath}/`) || v.hostPath!.startsWith(`${path}/`));
      problems
        .require(problem === undefined, `dataVolumes[${i}].hostPath`, problem ?? "", v.hostPath)
        .require(other === undefined, `dataVolumes[${i}].hostPath`, `overlaps the directory of volume ${other?.[1]} (${other?.[0]}) on the same host`, v.hostPath);
      stackPaths.set(v.hostPath, volumeName);
    });
    problems.throwIfAny();
    // One Docker host holds each container name, volume name and address:port once.
    const registry = DockerHostRegistry.of(this);
    registry.claim({ kind: "container", name: props.serviceName }, this);
    if (props.readOnlyRootfs) registry.claim({ kind: "container", name: `${props.serviceName}-config-loader` }, this);
    if (props.servesCertificateOf !== undefined) props.credentials.servesAs(props.servesCertificateOf, props.serviceName, this);
    for (const v of props.dataVolumes ?? []) registry.claim({ kind: "volume", name: `${props.serviceName}-${v.name}` }, this);
    if (props.readOnlyRootfs) registry.claim({ kind: "volume", name: `${props.serviceName}-config` }, this);
    for (const p of props.ports ?? []) registry.claim({ kind: "binding", address: p.address, port: p.hostPort }, this);
    for (const l of props.hostListeners ?? []) registry.claim({ kind: "binding", address: l.address, port: l.port }, this);

    const image = new DockerImage(this, "image", { name: props.image, keep_locally: true });
    this.volumes = (props.dataVolumes ?? []).map(
      (v) =>
        new Volume(this, `volume-${v.name}`, {
          name: `${props.serviceName}-${v.name}`,
          // A new path is a new volume: the plan shows the replacement, and prevent_destroy refuses it.
          ...(v.hostPath !== undefined ? bindVolumeOptions(v.hostPath) : {}),
          // Data outlives every config change; removing it takes a deliberate edit.
          lifecycle: { preventDestroy: true },
        }),
    );

    const loader = props.readOnlyRootfs ? this.configLoader(props, typeof files === "function") : undefined;
    // depends_on resolves to the loader's address token: made here, not in cdktf's
    // resolve passes, whose deep stacks make each captured stack trace dearer.
    if (loader) void loader.container.fqn;

    this.container = new DockerContainer(
      this,
      "container",
      {
        name: props.serviceName,
        image: image.imageId,
        restart: "unless-stopped",
        must_run: true,
        command: props.command,
        env: props.env && props.env.length > 0 ? props.env : undefined,
        user: props.user,
        // No setuid escalation, no capabilities beyond what the service needs.
        security_opts: ["no-new-privileges:true"],
        capabilities: { drop: ["ALL"], add: props.capabilities && props.capabilities.length > 0 ? props.capabilities : undefined },
        read_only: loader !== undefined,
        tmpfs: props.tmpfsDirs && props.tmpfsDirs.length > 0 ? Object.fromEntries(props.tmpfsDirs.map((dir) => [dir, "rw,noexec,nosuid,size=64m"])) : undefined,
        memory: props.memoryMb,
        stop_timeout: props.stopTimeoutSeconds ?? 30,
        log_driver: "json-file",
        log_opts: { "max-size": "10m", "max-file": "5" },
        // start_interval applies on Engine 25+ (API 1.44); older engines check every interval from the start.
        healthcheck: props.healthcheck ? { test: ["CMD", ...props.healthcheck], interval: "10s", timeout: "5s", retries: 3, start_period: "60s", start_interval: "2s" } : undefined,
        // The apply waits for the healthcheck: a crash-looping service (restarting counts as
        // running for must_run) fails it, naming the container, instead of passing.
        wait: props.healthcheck ? true : undefined,
        wait_timeout: props.healthcheck ? (props.healthyWithinSeconds ?? 60) : undefined,
        // The provider stops a replaced container with destroy_grace_seconds (0 when unset:
        // SIGKILL right after SIGTERM), not stop_timeout: give it the same grace.
        destroy_grace_seconds: props.stopTimeoutSeconds ?? 30,
        network_mode: props.networkMode,
        pid_mode: props.pidMode,
        networks_advanced:
          props.networkMode === "host" ? undefined : [props.network, ...(props.extraNetworks ?? [])].map((network) => ({ name: networkName(network), aliases: [props.serviceName] })),
        ports: (props.ports ?? []).map((p) => ({ internal: p.containerPort, external: p.hostPort, ip: p.address, protocol: "tcp" })),
        volumes: [
          ...this.volumes.map((volume, i) => ({ volume_name: volume.name, container_path: props.dataVolumes![i].containerPath })),
          ...(props.sharedVolumes ?? []).map((v) => ({ volume_name: v.volume.name, container_path: v.containerPath, read_only: v.readOnly })),
          ...(props.hostMounts ?? []).map((m) => ({ host_path: m.hostPath, container_path: m.containerPath, read_only: true })),
          ...(loader ? [{ volume_name: loader.volume.name, container_path: props.configDir!, read_only: true }] : []),
        ],
        ...(loader ? {} : { upload: this.resolveWhenReady(typeof files === "function", () => this.uploads(props, "")) }),
      },
      loader ? { dependsOn: [loader.container] } : {},
    );

    if (loader) {
      // New files mean a new loader run, and then a new service container. Set by
      // override: cdktf's replaceTriggeredBy writes "${...}", which Terraform rejects
      // (hashicorp/terraform-cdk#3196); the address must be a bare reference.
      const address = Lazy.stringValue({ produce: () => `${loader.container.terraformResourceType}.${loader.container.friendlyUniqueId}` });
      this.container.addOverride("lifecycle.replace_triggered_by", [address]);
    }

    // Declare the secrets the files refer to before synthesis resolves the uploads.
    Aspects.of(this).add({
      visit: (node) => {
        if (node !== this) return;
        for (const file of this.produceFiles()) for (const name of secretsReferencedBy(file.content)) props.secrets.token(name);
      },
    });
  }

  /**
   * The Docker provider uploads files through the archive API at `/`, which
   * Docker refuses for a read-only root filesystem even when the file would land
   * on a volume. So a loader container (busybox, no network, no capabilities)
   * receives the files, copies them onto the `<service>-config` volume and
   * exits; the service mounts that volume read-only.
   */
  private configLoader(props: DockerServiceProps, lazy: boolean) {
    if (!props.configDir) throw new Error(`${this.node.path}: readOnlyRootfs needs configDir, where the files are mounted`);
    // One loader image per stack, shared by every loader on that host.
    const stack = TerraformStack.of(this);
    const image = (stack.node.tryFindChild(LOADER_IMAGE_ID) as DockerImage | undefined) ?? new DockerImage(stack, LOADER_IMAGE_ID, { name: IMAGES.configLoader, keep_locally: true });
    const volume = new DockerVolume(this, "config-volume", { name: `${props.serviceName}-config` });
    const uploads = () => this.uploads(props, props.configDir!);
    const container = new DockerContainer(
      this,
      "config-loader",
      {
        name: `${props.serviceName}-config-loader`,
        image: image.imageId,
        // Runs once per apply that changes a file; Terraform waits for it to exit.
        attach: true,
        must_run: false,
        network_mode: "none",
        security_opts: ["no-new-privileges:true"],
        capabilities: { drop: ["ALL"] },
        // Empty the volume first, so a file removed from the config disappears too;
        // then drop the staged copies (keys, passwords) from the exited container.
        command: ["sh", "-c", `find /config -mindepth 1 -delete && cp -a ${STAGING}/. /config/ && find ${STAGING} -mindepth 1 -delete`],
        volumes: [{ volume_name: volume.name, container_path: "/config" }],
        upload: this.resolveWhenReady(lazy, uploads),
        log_driver: "json-file",
        log_opts: { "max-size": "1m", "max-file": "1" },
      },
      {
        // The provider waits for an attached container but ignores its exit code: a failed
        // copy (disk full) would leave the service with a partial config and no error here.
        lifecycle: {
          postcondition: [{ condition: "${self.exit_code == 0}", errorMessage: `${props.serviceName}-config-loader failed to copy the config onto ${props.serviceName}-config: see its logs (docker logs ${props.serviceName}-config-loader)` }],
        },
      },
    );
    return { volume, container };
  }

  /**
   * A function's files may still grow through add*() until synth, so they are
   * resolved then. Static files are resolved now: a reference to another
   * stack's value (an edge's certificate from the hub) only becomes a
   * cross-stack output outside a Lazy.
   */
  private resolveWhenReady<T>(lazy: boolean, produce: () => T): T {
    return lazy ? (Lazy.anyValue({ produce }) as unknown as T) : produce();
  }

  /** Upload blocks; with `stagingFrom`, paths under it move to the loader's staging directory. */
  private uploads(props: DockerServiceProps, stagingFrom: string) {
    const resolve = (p: Placeholder) => (p.kind === "var" ? props.secrets.token(p.name) : props.credentials.token(p, this.node.scope ?? this));
    return this.produceFiles().map((f) => {
      let file = f.containerPath;
      if (stagingFrom) {
        if (!file.startsWith(`${stagingFrom}/`)) throw new Error(`${this.node.path}: ${file} is outside configDir ${stagingFrom}; a read-only root filesystem only gets files there`);
        file = STAGING + file.slice(stagingFrom.length);
      }
      return { file, content: toTerraformContent(f.content, resolve), permissions: f.permissions ?? "0444" };
    });
  }

  /** The files as uploaded, in their review form (rendered/): secrets and credentials as `${var.NAME}`-style placeholders. */
  get files(): readonly ServiceFile[] {
    return this.produceFiles().map((f) => ({ ...f, content: displayForm(f.content) }));
  }
}
