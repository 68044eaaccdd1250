import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Network } from "@cdktf/provider-docker/lib/network";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { deploymentRules, inhibitionRules, renderRuleGroups } from "../alert-rules";
import { Alertmanager, CameraHub, Connector, Grafana, LogAgent, Loki, NodeExporter, PORTS, Prometheus, Pushgateway, SecretVariables } from "../constructs";
import type { Inventory } from "../inventory/schema";
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

  constructor(scope: Construct, id: string, props: HubStackProps) {
    super(scope, id);
    const { hub, alerting } = props.inventory;

    new DockerProvider(this, "docker", { host: hub.dockerHost, sshOpts: ["-o", "BatchMode=yes"] });
    const network = new Network(this, "network", { name: "observability", driver: "bridge" });
    const secrets = new SecretVariables(this, "secrets");
    const context = { network, secrets };

    this.alertmanager = new Alertmanager(this, "alertmanager", {
      ...context,
      publish: hub.publish.alertmanager,
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
    });
    const rules = deploymentRules(props.inventory);
    for (const file of rules.prometheus) this.prometheus.addRuleFile({ fileName: file.fileName, content: renderRuleGroups(file.groups, alerting.runbookUrl) });

    this.loki = new Loki(this, "loki", {
      ...context,
      retentionPeriod: hub.retention.logs,
      alertmanagerAddress: this.alertmanager.address,
      publish: hub.publish.loki,
    });
    for (const file of rules.loki) this.loki.addRuleFile({ fileName: file.fileName, content: renderRuleGroups(file.groups, alerting.runbookUrl) });

    this.grafana = new Grafana(this, "grafana", { ...context, publish: hub.publish.grafana });
    new Pushgateway(this, "pushgateway", { ...context, publish: hub.publish.pushgateway });
    // node_exporter shares the host network, so it binds the address itself.
    const nodeExporter = new NodeExporter(this, "node-exporter", {
      ...context,
      listenAddress: hub.publish.nodeExporter?.address ?? hub.address,
      port: hub.publish.nodeExporter?.port,
    });
    new CameraHub(this, "camera-hub", { ...context, image: hub.cameraHub.image, publish: hub.publish.cameraHub });

    // The hub's own containers (connectors, camera hub, the stack) ship logs like any node's.
    new LogAgent(this, "log-agent", {
      ...context,
      kind: hub.logAgent,
      httpPort: hub.logAgent === "alloy" ? PORTS.alloy : PORTS.promtail,
      config: {
        lokiPushUrl: `${this.loki.url}/loki/api/v1/push`,
        site: HUB_LABELS.site,
        device: HUB_LABELS.node,
        edgeAgentService: "edge-agent",
        dockerSocket: "/var/run/docker.sock",
        defaultSeverity: "info",
      },
    });

    const connectors = new Construct(this, "connectors");
    for (const c of props.inventory.connectors)
      new Connector(connectors, c.name, { ...context, name: c.name, image: c.image, metrics: c.metrics, metricsPort: c.port });

    for (const job of hubScrapeJobs(props.inventory, nodeExporter.address)) this.prometheus.addScrapeJob(job);
  }
}
