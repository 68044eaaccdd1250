import { dockerHostProvider } from "../constructs/docker-provider";
import { Network } from "@cdktf/provider-docker/lib/network";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Alertmanager } from "../constructs/alertmanager";
import { BlackboxExporter } from "../constructs/blackbox-exporter";
import type { Credentials } from "../constructs/credentials";
import { EdgeAgent } from "../constructs/edge-agent";
import { LogAgent } from "../constructs/log-agent";
import type { Prometheus } from "../constructs/prometheus";
import type { Scrapeable } from "../constructs/scrape";
import { PrometheusAgent } from "../constructs/prometheus-agent";
import { SecretVariables } from "../constructs/secret-variables";
import { TlsGateway } from "../constructs/tls-gateway";
import type { EdgeNode, Inventory, Site } from "../inventory/schema";
import { edgeHostName, HUB_HOST } from "../security/pki";
import { everyHostServices, servesPlainMetrics } from "./host-services";
import { ALERTMANAGER_USERS, alertmanagerReplicas, alertmanagerSettings } from "./beyond-one-hub";

export interface EdgeNodeStackProps {
  readonly inventory: Inventory;
  readonly site: Site;
  readonly node: EdgeNode;
  /** The hub's credentials: this stack reads its certificate and passwords as cross-stack outputs. */
  readonly credentials: Credentials;
  /** The hub's Prometheus: it scrapes a pull node's services and evaluates every node's alerts. */
  readonly hubPrometheus: Prometheus;
  /** The hub's Loki gateway, where the node's log agent pushes. */
  readonly hubLokiGateway: TlsGateway;
}

/** Port of a pull node's metrics gateway (TLS, client certificate): the edge agent and log agent behind it. */
export const METRICS_GATEWAY_PORT = 9443;


/** Stack name of a node: `edge-<site>-<node>` (the inventory rejects collisions); also its certificate name. */
export const edgeStackName = (site: Site, node: EdgeNode) => edgeHostName(site.name, node.name);

/**
 * One edge node: node_exporter, blackbox_exporter probing its cameras, the
 * operator's edge agent and a log agent; on push sites also Prometheus in agent
 * mode. Pull nodes expose their exporters (TLS, basic auth) on their address
 * for the hub, and the edge and log agents through a TLS gateway that only
 * lets the hub's certificate in; push nodes keep everything on 127.0.0.1 for
 * their local agent. Logs go to the hub's Loki gateway with the node's certificate.
 */
export class EdgeNodeStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: EdgeNodeStackProps) {
    super(scope, id);
    const { inventory, site, node, credentials } = props;
    const hub = inventory.hub;
    const host = edgeStackName(site, node);

    dockerHostProvider(this, node.dockerHost);
    const network = new Network(this, "network", { name: "observability", driver: "bridge" });
    const secrets = new SecretVariables(this, "secrets");
    const context = { network, secrets, credentials };
    const pull = site.mode === "pull";
    const exporters = { address: pull ? node.address : "127.0.0.1" };
    // The hub scrapes pull nodes; a push node's own agent scrapes it as the node.
    const access = { tlsHost: site.tls ? host : undefined, users: ["operator", pull ? "prometheus" : host] };
    const viaGateway = pull && site.tls;
    // Services without their own TLS/auth: behind the gateway, or plain on loopback (push) or the node (lab).
    const plain = viaGateway ? undefined : exporters;

    const onEveryHost = everyHostServices(this, context, { address: exporters.address, plainPublish: plain, access });
    const blackbox = new BlackboxExporter(this, "blackbox-exporter", { ...context, publish: exporters, access, cameras: node.cameras });
    const edgeAgent = new EdgeAgent(this, "edge-agent", {
      ...context,
      image: node.edgeAgentImage ?? inventory.edgeAgent.image,
      publish: plain,
      sensors: node.sensors.map((sensor) => ({ name: sensor.name, staleAfter: sensor.staleAfter })),
    });
    const logAgent = new LogAgent(this, "log-agent", {
      ...context,
      kind: node.logAgent,
      publish: plain,
      fileLogsOf: edgeAgent,
      certificateHost: host,
      // The inventory guarantees Loki's gateway is published on a non-loopback address.
      lokiPushUrl: `https://${hub.address}:${props.hubLokiGateway.publishedPort}/loki/api/v1/push`,
      site: site.name,
      device: node.name,
    });

    const labels = { site: site.name, node: node.name };
    const reach = { host: exporters.address };
    let scraped: Scrapeable[] = [...onEveryHost, edgeAgent, logAgent, blackbox];
    if (viaGateway) {
      const plainServices = scraped.filter(servesPlainMetrics);
      const gateway = new TlsGateway(this, "metrics-gateway", {
        ...context,
        serviceName: "metrics-gateway",
        port: METRICS_GATEWAY_PORT,
        publish: { address: node.address },
        tlsHost: host,
        allowedClients: [HUB_HOST],
        metricsOf: plainServices,
      });
      scraped = [...scraped.filter((c) => !plainServices.includes(c)), gateway];
    }

    // An Alertmanager replica the inventory places on this node (hub.alertmanager.peers):
    // it binds the node's address, gossips with the others over mutual TLS, and
    // needs the receivers' secret variables in this stack too.
    for (const replica of alertmanagerReplicas(inventory).filter((r) => r.stack === host))
      props.hubPrometheus.scrape(
        new Alertmanager(this, replica.serviceName, {
          ...context,
          serviceName: replica.serviceName,
          access: { tlsHost: host, users: [...ALERTMANAGER_USERS] },
          config: alertmanagerSettings(inventory),
          cluster: replica.cluster,
        }),
        labels,
      );

    if (pull) {
      for (const component of scraped) props.hubPrometheus.scrape(component, labels, reach);
    } else {
      const agent = new PrometheusAgent(this, "prometheus-agent", {
        ...context,
        remoteWriteUrl: `https://${hub.address}:${props.hubPrometheus.publishedPort}/api/v1/write`,
        identity: host,
        access,
        walHostPath: node.storage.agentWal,
        // Its samples land in the hub's Prometheus: so do the alerts of what it scrapes.
        ruleEvaluator: props.hubPrometheus,
      });
      for (const component of [agent, ...scraped]) agent.scrape(component, labels);
    }
  }
}
