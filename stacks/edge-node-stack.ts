import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Network } from "@cdktf/provider-docker/lib/network";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { BlackboxExporter } from "../constructs/blackbox-exporter";
import { EDGE_AGENT_LOG_DIR, EdgeAgent } from "../constructs/edge-agent";
import { LogAgent } from "../constructs/log-agent";
import { NodeExporter } from "../constructs/node-exporter";
import { PORTS } from "../constructs/ports";
import { PrometheusAgent } from "../constructs/prometheus-agent";
import { SecretVariables } from "../constructs/secret-variables";
import type { EdgeNode, Inventory, Site } from "../inventory/schema";
import { edgeScrapeJobs, logAgentPort } from "./node-scrape-jobs";

export interface EdgeNodeStackProps {
  readonly inventory: Inventory;
  readonly site: Site;
  readonly node: EdgeNode;
}

/** Stack name of a node: `edge-<site>-<node>` (the inventory rejects collisions). */
export const edgeStackName = (site: Site, node: EdgeNode) => `edge-${site.name}-${node.name}`;

/**
 * One edge node: node_exporter, blackbox_exporter probing its cameras, the
 * operator's edge agent and a log agent; on push sites also Prometheus in agent
 * mode. Pull nodes expose their exporters on their address for the hub; push
 * nodes keep them on 127.0.0.1 for their local agent.
 */
export class EdgeNodeStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: EdgeNodeStackProps) {
    super(scope, id);
    const { inventory, site, node } = props;
    const hub = inventory.hub;

    new DockerProvider(this, "docker", { host: node.dockerHost, sshOpts: ["-o", "BatchMode=yes"] });
    const network = new Network(this, "network", { name: "observability", driver: "bridge" });
    const secrets = new SecretVariables(this, "secrets");
    const context = { network, secrets };
    const exposed = { address: site.mode === "pull" ? node.address : "127.0.0.1" };

    new NodeExporter(this, "node-exporter", { ...context, listenAddress: exposed.address });
    new BlackboxExporter(this, "blackbox-exporter", { ...context, publish: exposed });
    const edgeAgent = new EdgeAgent(this, "edge-agent", { ...context, image: node.edgeAgentImage ?? inventory.edgeAgent.image, publish: exposed });
    new LogAgent(this, "log-agent", {
      ...context,
      kind: node.logAgent,
      httpPort: logAgentPort(node),
      publish: exposed,
      logVolume: edgeAgent.logVolume,
      config: {
        // The inventory guarantees Loki is published on a non-loopback address.
        lokiPushUrl: `http://${hub.address}:${hub.publish.loki?.port ?? PORTS.loki}/loki/api/v1/push`,
        site: site.name,
        device: node.name,
        edgeAgentLogGlob: `${EDGE_AGENT_LOG_DIR}/*.log`,
        edgeAgentService: "edge-agent",
        dockerSocket: "/var/run/docker.sock",
        defaultSeverity: "info",
      },
    });

    if (site.mode === "push") {
      new PrometheusAgent(this, "prometheus-agent", {
        ...context,
        remoteWriteUrl: `http://${hub.address}:${hub.publish.prometheus?.port ?? PORTS.prometheus}/api/v1/write`,
        scrapeJobs: [
          { name: "prometheus-agent", targets: [{ address: `127.0.0.1:${PORTS.prometheus}`, labels: { site: site.name, node: node.name, service: "prometheus-agent" } }] },
          ...edgeScrapeJobs([{ site, node, host: "127.0.0.1" }]),
        ],
      });
    }
  }
}
