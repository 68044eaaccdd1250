import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Network } from "@cdktf/provider-docker/lib/network";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { deploymentRules, inhibitionRules, renderRuleGroups } from "../alert-rules";
import {
  Alertmanager,
  BlackboxExporter,
  CameraHub,
  Connector,
  Credentials,
  Grafana,
  LogAgent,
  Loki,
  NodeExporter,
  PORTS,
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
  passwordIdentities,
  pushConnectorIdentities,
  pushNodeIdentities,
} from "../security/pki";
import { HUB_LABELS, hubScrapeJobs } from "./hub-scrape-jobs";

export interface HubStackProps {
  readonly inventory: Inventory;
}

/** The hub: metrics, alerting, logs, dashboards and the camera hub, on one Docker host. */
export class HubStack extends TerraformStack {
  public readonly prometheus: Prometheus;
  public readonly alertmanager: Alertmanager;
  public readonly loki: Loki;
  public readonly grafana: Grafana;
  /** The private CA, host certificates and passwords every stack uses. */
  public readonly credentials: Credentials;

  constructor(scope: Construct, id: string, props: HubStackProps) {
    super(scope, id);
    const { hub, alerting } = props.inventory;

    new DockerProvider(this, "docker", { host: hub.dockerHost, sshOpts: ["-o", "BatchMode=yes"] });
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
    this.credentials = new Credentials(this, "credentials", { hosts: hostCertificates(props.inventory), passwordIdentities: passwordIdentities(props.inventory) });
    const context = { network, secrets, credentials: this.credentials };
    const tlsHost = HUB_HOST;

    this.alertmanager = new Alertmanager(this, "alertmanager", {
      ...context,
      publish: hub.publish.alertmanager,
      access: { tlsHost, users: ["operator", "prometheus", "loki", "grafana"] },
      extraNetworks: [lokiNetwork],
      config: {
        receivers: alerting.receivers,
        routes: alerting.routes,
        heartbeat: alerting.heartbeat,
        groupWaitSeconds: 30,
        criticalGroupWaitSeconds: 10,
        criticalGroupIntervalSeconds: 30,
        groupIntervalSeconds: 300,
        repeatIntervalHours: 4,
        heartbeatIntervalSeconds: 60,
        inhibitRules: inhibitionRules(),
        maintenance: props.inventory.sites.map((site) => ({ site: site.name, windows: site.maintenance })),
      },
    });

    this.prometheus = new Prometheus(this, "prometheus", {
      ...context,
      retentionTime: hub.retention.metrics,
      retentionSize: hub.retention.metricsSize,
      alertmanagers: [this.alertmanager.address],
      acceptRemoteWrite: props.inventory.sites.some((s) => s.mode === "push"),
      publish: hub.publish.prometheus,
      // Push nodes remote-write as themselves; Grafana reads as "grafana".
      access: { tlsHost, users: ["operator", "prometheus", "grafana", ...pushNodeIdentities(props.inventory)] },
      clientIdentity: { username: "prometheus", certificateHost: HUB_HOST },
      extraNetworks: [lokiNetwork],
    });
    const rules = deploymentRules(props.inventory);
    for (const file of rules.prometheus) this.prometheus.addRuleFile({ fileName: file.fileName, content: renderRuleGroups(file.groups, alerting.runbookUrl) });

    this.loki = new Loki(this, "loki", {
      ...context,
      network: lokiNetwork,
      retentionPeriod: hub.retention.logs,
      alertmanagerAddress: this.alertmanager.address,
      alertmanagerUser: "loki",
    });
    // Loki checks no credentials: pushes come through here, by client certificate.
    const lokiGateway = new TlsGateway(this, "loki-gateway", {
      ...context,
      serviceName: "loki-gateway",
      port: PORTS.loki,
      publish: hub.publish.loki,
      tlsHost,
      allowedClients: [HUB_HOST, ...edgeHostNames(props.inventory)],
      routes: [{ path: "/loki/api/v1/push", method: "POST", upstream: `${this.loki.url}/loki/api/v1/push` }],
      extraNetworks: [lokiNetwork],
    });
    for (const file of rules.loki) this.loki.addRuleFile({ fileName: file.fileName, content: renderRuleGroups(file.groups, alerting.runbookUrl) });

    this.grafana = new Grafana(this, "grafana", { ...context, publish: hub.publish.grafana, tlsHost, extraNetworks: [lokiNetwork] });
    const pushers = pushConnectorIdentities(props.inventory);
    new Pushgateway(this, "pushgateway", { ...context, publish: hub.publish.pushgateway, access: { tlsHost, users: ["operator", "prometheus", ...pushers] } });
    // node_exporter shares the host network, so it binds the address itself.
    const nodeExporter = new NodeExporter(this, "node-exporter", {
      ...context,
      listenAddress: hub.publish.nodeExporter?.address ?? hub.address,
      port: hub.publish.nodeExporter?.port,
      access: { tlsHost, users: ["operator", "prometheus"] },
    });
    // Probes only the hub's own certificate (its expiry alert); cameras are probed at their nodes.
    new BlackboxExporter(this, "blackbox-exporter", { ...context, cameras: false, access: { tlsHost, users: ["operator", "prometheus"] } });
    new CameraHub(this, "camera-hub", { ...context, image: hub.cameraHub.image, publish: hub.publish.cameraHub });

    // The hub's own containers (connectors, camera hub, the stack) ship logs like any node's.
    new LogAgent(this, "log-agent", {
      ...context,
      kind: hub.logAgent,
      httpPort: hub.logAgent === "alloy" ? PORTS.alloy : PORTS.promtail,
      certificateHost: HUB_HOST,
      config: {
        lokiPushUrl: `https://${lokiGateway.service.serviceName}:${PORTS.loki}/loki/api/v1/push`,
        site: HUB_LABELS.site,
        device: HUB_LABELS.node,
        edgeAgentService: "edge-agent",
        dockerSocket: "/var/run/docker.sock",
        defaultSeverity: "info",
      },
    });

    const connectors = new Construct(this, "connectors");
    for (const c of props.inventory.connectors)
      new Connector(connectors, c.name, { ...context, name: c.name, image: c.image, metrics: c.metrics, metricsPort: c.port, pushIdentity: connectorIdentity(c.name) });

    for (const job of hubScrapeJobs(props.inventory, nodeExporter.address, this.prometheus.client)) this.prometheus.addScrapeJob(job);
  }
}
