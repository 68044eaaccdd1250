import type { HttpClient, Relabel, ScrapeJob } from "../constructs/config/prometheus-config";
import { PORTS } from "../constructs/ports";
import type { Inventory } from "../inventory/schema";
import { alertmanagerReplicas, lokiContainers } from "./beyond-one-hub";
import { CERTIFICATE_PROBE_JOB, certificateProbe, certificateProbeJob, edgeScrapeJobs } from "./node-scrape-jobs";

/** `site` and `node` of the services that run on the hub itself. */
export const HUB_LABELS = { site: "hub", node: "hub" } as const;

/**
 * The hub Prometheus's scrape jobs: the hub's own services, and every node of a
 * `pull` site (push sites scrape themselves and remote-write). Every target
 * carries `site`, `node` and `service` labels; camera probes also `camera`.
 */
export function hubScrapeJobs(inv: Inventory, nodeExporterAddress: string, client: HttpClient): ScrapeJob[] {
  const onHub = (service: string, address: string) => ({ address, labels: { ...HUB_LABELS, service } });
  const pullNodes = inv.sites
    .filter((s) => s.mode === "pull")
    .flatMap((site) => site.nodes.map((node) => ({ site, node, host: node.address, viaGateway: site.tls })));
  // Basic auth goes only to endpoints that check it; the gateways get the certificate instead.
  const caOnly: HttpClient = { tls: { caFile: client.tls!.caFile } };
  const clients = { exporters: { basicAuth: client.basicAuth, tls: caOnly.tls }, gateways: { tls: client.tls } };
  const edgeJobs = edgeScrapeJobs(pullNodes, clients);
  // node_exporter, the log agent and the certificate probe run on the hub too: one job each for hub and nodes.
  const withEdgeTargets = (job: ScrapeJob): ScrapeJob => ({ ...job, targets: [...job.targets, ...(edgeJobs.find((j) => j.name === job.name)?.targets ?? [])] });
  const shared = ["node-exporter", "log-agent", CERTIFICATE_PROBE_JOB];

  return [
    { name: "prometheus", scheme: "https", client: clients.exporters, targets: [onHub("prometheus", `localhost:${PORTS.prometheus}`)] },
    // Every replica, where it runs: a silent one would stop sharing silences.
    {
      name: "alertmanager",
      scheme: "https",
      client: clients.exporters,
      targets: alertmanagerReplicas(inv).map((r) => ({ address: r.address, labels: { ...r.labels, service: "alertmanager" } })),
    },
    // Loki is reached on the hub's internal network only (each target's container in scalable mode).
    { name: "loki", targets: lokiContainers(inv).map((name) => onHub(name, `${name}:${PORTS.loki}`)) },
    { name: "grafana", scheme: "https", client: caOnly, targets: [onHub("grafana", `grafana:${PORTS.grafana}`)] },
    // Pushed series keep the job/instance labels their pusher gave them.
    { name: "pushgateway", scheme: "https", client: clients.exporters, honorLabels: true, targets: [onHub("pushgateway", `pushgateway:${PORTS.pushgateway}`)] },
    withEdgeTargets({
      name: "log-agent",
      client: clients.gateways,
      targets: [onHub("log-agent", inv.hub.logAgent === "alloy" ? `alloy:${PORTS.alloy}` : `promtail:${PORTS.promtail}`)],
    }),
    { name: "tapo-camera-mcp", targets: [onHub("tapo-camera-mcp", `tapo-camera-mcp:${PORTS.cameraHub}`)], metricRelabels: cameraLocation(inv) },
    withEdgeTargets({ name: "node-exporter", scheme: "https", client: clients.exporters, targets: [onHub("node-exporter", nodeExporterAddress)] }),
    withEdgeTargets(certificateProbeJob(clients.exporters, [certificateProbe(`blackbox-exporter:${PORTS.blackboxExporter}`, HUB_LABELS)])),
    ...edgeJobs.filter((j) => !shared.includes(j.name)),
    ...scrapedConnectors(inv),
  ];
}

/** Cloud connectors that expose /metrics, one job each so their `up` is told apart. */
function scrapedConnectors(inv: Inventory): ScrapeJob[] {
  return inv.connectors
    .filter((c) => c.metrics === "scrape")
    .map((c) => ({ name: `connector-${c.name}`, targets: [{ address: `${c.name}:${c.port}`, labels: { ...HUB_LABELS, service: c.name } }] }));
}

/**
 * The camera hub reports per-camera series labelled only by `camera`; give them
 * the camera's `site` and `node` so routing and inhibition treat them like probes.
 */
function cameraLocation(inv: Inventory): Relabel[] {
  return inv.sites.flatMap((site) =>
    site.nodes
      .filter((node) => node.cameras.length > 0)
      .flatMap((node) => {
        const regex = node.cameras.map((c) => c.name).join("|");
        return [
          { sourceLabel: "camera", regex, targetLabel: "site", replacement: site.name },
          { sourceLabel: "camera", regex, targetLabel: "node", replacement: node.name },
        ];
      }),
  );
}
