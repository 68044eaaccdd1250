import { dockerHostProvider } from "../constructs/docker-provider";
import { Network } from "@cdktf/provider-docker/lib/network";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import {
  Alertmanager,
  BlackboxExporter,
  CameraHub,
  Connector,
  Credentials,
  Grafana,
  LogAgent,
  Loki,
  Prometheus,
  Pushgateway,
  SecretVariables,
  TlsGateway,
} from "../constructs";
import type { Inventory } from "../inventory/schema";
import {
  connectorIdentity,
  edgeHostNames,
  hostCertificates,
  HUB_HOST,
  OPERATOR_CERTIFICATE,
  OPERATOR_CLIENT,
  passwordIdentities,
  pushConnectorIdentities,
  pushNodeIdentities,
} from "../security/pki";
import { everyHostServices } from "./host-services";
import { ALERTMANAGER_USERS, alertmanagerReplicas, alertmanagerSettings, lokiNeedsEgress } from "./beyond-one-hub";

/** Loki paths the gateway passes for the operator's certificate only (GET, with their query strings). */
export const LOKI_OPERATOR_PATHS = ["/ready", "/loki/api/v1/query_range", "/prometheus/api/v1/rules"] as const;

/** `site` and `node` of the services that run on the hub itself. */
export const HUB_LABELS = { site: "hub", node: "hub" } as const;

export interface HubStackProps {
  readonly inventory: Inventory;
}

/** The hub: metrics, alerting, logs, dashboards and the camera hub, on one Docker host. */
export class HubStack extends TerraformStack {
  public readonly prometheus: Prometheus;
  /** The Alertmanager replicas that run on the hub (one, unless hub.alertmanager.replicas places more here). */
  public readonly alertmanagers: Alertmanager[];
  public readonly loki: Loki;
  public readonly grafana: Grafana;
  /** Where every host pushes its logs (client certificates), in front of Loki. */
  public readonly lokiGateway: TlsGateway;
  /** The private CA, host certificates and passwords every stack uses. */
  public readonly credentials: Credentials;
  /** host:port of every Alertmanager replica, the first on the hub: where alerts and Grafana go. */
  public readonly alertmanagerAddresses: readonly string[];

  constructor(scope: Construct, id: string, props: HubStackProps) {
    super(scope, id);
    const { hub, alerting } = props.inventory;

    dockerHostProvider(this, hub.dockerHost);
    const network = new Network(this, "network", { name: "observability", driver: "bridge" });
    // Loki's only network, shared with the gateway, Grafana, Prometheus and Alertmanager.
    // Internal alone still leaves the host reachable: before Engine 25 a container gets a
    // default route to the bridge's address on the host (moby/libnetwork#2261), and on any
    // engine that address is the host's. inhibit_ipv4 leaves the host bridge without an
    // address: nothing but the peers answers (the Docker test tier checks it).
    const lokiNetwork = new Network(this, "loki-network", {
      name: "observability-loki",
      driver: "bridge",
      internal: true,
      options: { "com.docker.network.bridge.inhibit_ipv4": "true" },
    });
    const secrets = new SecretVariables(this, "secrets");
    this.credentials = new Credentials(this, "credentials", {
      hosts: hostCertificates(props.inventory),
      clients: [OPERATOR_CERTIFICATE],
      passwordIdentities: passwordIdentities(props.inventory),
    });
    const context = { network, secrets, credentials: this.credentials };
    const tlsHost = HUB_HOST;

    // One Alertmanager on the stack network, or the replicas of a gossip cluster
    // placed here (others run on edge nodes, see EdgeNodeStack).
    const replicas = alertmanagerReplicas(props.inventory);
    const settings = alertmanagerSettings(props.inventory);
    this.alertmanagers = replicas
      .filter((r) => r.stack === "hub")
      .map(
        (replica) =>
          new Alertmanager(this, replica.serviceName, {
            ...context,
            serviceName: replica.serviceName,
            publish: replica.cluster ? undefined : hub.publish.alertmanager,
            // The first replica's silences and notification log may live on a chosen disk.
            dataHostPath: replica.serviceName === "alertmanager" ? hub.storage.alertmanager : undefined,
            access: { tlsHost, users: [...ALERTMANAGER_USERS] },
            extraNetworks: [lokiNetwork],
            config: settings,
            cluster: replica.cluster,
          }),
      );
    // Replicas elsewhere are placed by the inventory, at the addresses it binds them to.
    const alertmanagerAddresses = replicas.map((r) => {
      const address = this.alertmanagers.find((a) => a.service.serviceName === r.serviceName)?.address ?? r.address;
      if (address === undefined) throw new Error(`${this.node.path}: Alertmanager replica ${r.serviceName} has no address`);
      return address;
    });
    this.alertmanagerAddresses = alertmanagerAddresses;

    this.prometheus = new Prometheus(this, "prometheus", {
      ...context,
      retentionTime: hub.retention.metrics,
      retentionSize: hub.retention.metricsSize,
      // Every replica gets every alert; the cluster deduplicates notifications.
      alertmanagers: alertmanagerAddresses,
      remoteWrite: hub.remoteWrite.map((target) => ({
        name: target.name,
        url: target.url,
        auth: target.auth,
        caVariable: target.caVariable,
        headers: target.headers,
        queue: target.queue,
        writeRelabels: target.writeRelabel,
      })),
      // Only when something leaves the house: alerts keep today's labels otherwise.
      externalLabels: hub.remoteWrite.length > 0 && hub.deployment ? { deployment: hub.deployment } : {},
      acceptRemoteWrite: props.inventory.sites.some((s) => s.mode === "push"),
      publish: hub.publish.prometheus,
      dataHostPath: hub.storage.prometheus,
      // Push nodes remote-write as themselves; Grafana reads as "grafana".
      access: { tlsHost, users: ["operator", "prometheus", "grafana", ...pushNodeIdentities(props.inventory)] },
      clientIdentity: { username: "prometheus", certificateHost: HUB_HOST },
      extraNetworks: [lokiNetwork],
      // The alerts of everything it scrapes, with the deployment's thresholds.
      alertSettings: alerting.settings,
      runbookUrl: alerting.runbookUrl,
    });

    // Loki's route out, only when it needs one: nothing else joins this network.
    const lokiEgress = lokiNeedsEgress(props.inventory) ? [new Network(this, "loki-egress-network", { name: "observability-loki-egress", driver: "bridge" })] : [];
    const storage = hub.logs.storage;
    this.loki = new Loki(this, "loki", {
      ...context,
      network: lokiNetwork,
      extraNetworks: lokiEgress,
      retentionPeriod: hub.retention.logs,
      alertmanagerAddresses,
      alertmanagerUser: "loki",
      mode: hub.logs.mode,
      objectStorage: storage.type === "s3" ? storage : undefined,
      dataHostPath: hub.storage.loki,
      alertSettings: alerting.settings,
      runbookUrl: alerting.runbookUrl,
    });
    // Loki checks no credentials: pushes come through here, by client certificate.
    const lokiGateway = (this.lokiGateway = new TlsGateway(this, "loki-gateway", {
      ...context,
      serviceName: "loki-gateway",
      port: this.loki.port,
      publish: hub.publish.loki,
      tlsHost,
      allowedClients: [HUB_HOST, ...edgeHostNames(props.inventory), OPERATOR_CLIENT],
      routes: [
        { path: "/loki/api/v1/push", method: "POST", upstream: `${this.loki.pushUrl}/loki/api/v1/push` },
        // The operator's reads (npm run verify): readiness, a query, the ruler's rule health. Hosts cannot read logs.
        ...LOKI_OPERATOR_PATHS.map((path) => ({ path, method: "GET" as const, upstream: `${this.loki.url}${path}`, clients: [OPERATOR_CLIENT], passQuery: true })),
      ],
      extraNetworks: [lokiNetwork],
    }));

    this.grafana = new Grafana(this, "grafana", { ...context, publish: hub.publish.grafana, dataHostPath: hub.storage.grafana, tlsHost, extraNetworks: [lokiNetwork] });
    const pushers = pushConnectorIdentities(props.inventory);
    const pushgateway = new Pushgateway(this, "pushgateway", { ...context, publish: hub.publish.pushgateway, dataHostPath: hub.storage.pushgateway, access: { tlsHost, users: ["operator", "prometheus", ...pushers] } });
    // node_exporter shares the host network, so it binds the address itself.
    const onEveryHost = everyHostServices(this, context, {
      address: hub.publish.nodeExporter?.address ?? hub.address,
      nodeExporterPort: hub.publish.nodeExporter?.port,
      access: { tlsHost, users: ["operator", "prometheus"] },
    });
    // Probes only the hub's own certificate (its expiry alert); cameras are probed at their nodes.
    const blackbox = new BlackboxExporter(this, "blackbox-exporter", { ...context, access: { tlsHost, users: ["operator", "prometheus"] } });
    const cameraLocations = props.inventory.sites.flatMap((site) => site.nodes.flatMap((node) => node.cameras.map((camera) => ({ camera: camera.name, site: site.name, node: node.name }))));
    const cameraHub = new CameraHub(this, "camera-hub", { ...context, image: hub.cameraHub.image, publish: hub.publish.cameraHub, cameraLocations });

    // The hub's own containers (connectors, camera hub, the stack) ship logs like any node's.
    const logAgent = new LogAgent(this, "log-agent", {
      ...context,
      kind: hub.logAgent,
      certificateHost: HUB_HOST,
      lokiPushUrl: `https://${lokiGateway.service.serviceName}:${lokiGateway.port}/loki/api/v1/push`,
      site: HUB_LABELS.site,
      device: HUB_LABELS.node,
    });

    const connectorsScope = new Construct(this, "connectors");
    const connectors = props.inventory.connectors.map(
      (c) =>
        new Connector(connectorsScope, c.name, { ...context, name: c.name, image: c.image, metrics: c.metrics, metricsPort: c.port, pushIdentity: connectorIdentity(c.name), pushStaleAfter: c.staleAfter }),
    );

    // Everything here is scraped where it runs; pull nodes add theirs from their own stacks.
    // Their mixins fill the dashboards in this order (rows a dashboard does not place itself come as met).
    const scrapedHere = [this.prometheus, ...this.alertmanagers, ...onEveryHost, blackbox, this.loki, logAgent, this.grafana, pushgateway, cameraHub, ...connectors];
    for (const component of scrapedHere) this.prometheus.scrape(component, HUB_LABELS);
  }
}
