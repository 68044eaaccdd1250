import { CERTIFICATE_MODULE, probeOf } from "../constructs/config/blackbox-config";
import type { HttpClient, ScrapeJob, ScrapeTarget } from "../constructs/config/prometheus-config";
import { PORTS } from "../constructs/ports";
import type { EdgeNode, Site } from "../inventory/schema";

/** Seconds between camera probes: part of the camera-offline notification budget. */
export const PROBE_INTERVAL_SECONDS = 15;

/** Port of a node's log agent HTTP server (metrics, readiness). */
export const logAgentPort = (node: EdgeNode) => (node.logAgent === "alloy" ? PORTS.alloy : PORTS.promtail);

/** Port of a pull node's metrics gateway (TLS, client certificate): the edge agent and log agent behind it. */
export const METRICS_GATEWAY_PORT = 9443;

/** Gateway paths of the services that cannot serve TLS or check credentials themselves. */
export const GATEWAY_PATHS = { edgeAgent: "/edge-agent/metrics", logAgent: "/log-agent/metrics" } as const;

/** A node and the host its exporters are reached at: its address (pull) or 127.0.0.1 (push, local agent). */
export interface ScrapedNode {
  readonly site: Site;
  readonly node: EdgeNode;
  readonly host: string;
  /** The edge agent and log agent sit behind the node's metrics gateway (pull sites with TLS). */
  readonly viaGateway: boolean;
}

/** Job of the certificate probes: each host's blackbox_exporter checks the certificate it serves itself. */
export const CERTIFICATE_PROBE_JOB = "certificate-probe";

/**
 * A certificate probe through the blackbox_exporter at `address`: the exporter
 * dials its own TLS port on 127.0.0.1 (in its container, whatever the network
 * mode) and verifies the chain against the CA, so the series tell the host's
 * certificate expiry and whether it still verifies.
 */
export function certificateProbe(address: string, labels: { site: string; node: string }): ScrapeTarget {
  return { address, labels: { ...labels, service: "certificate", __param_target: `127.0.0.1:${PORTS.blackboxExporter}`, __param_module: CERTIFICATE_MODULE } };
}

/** The certificate-probe job (metrics from /probe, over TLS with the exporters' credentials). */
export function certificateProbeJob(client: HttpClient, targets: readonly ScrapeTarget[]): ScrapeJob {
  return { name: CERTIFICATE_PROBE_JOB, metricsPath: "/probe", scheme: "https", client, targets };
}

/** How the scraper authenticates: basic auth to the exporters, a client certificate to the gateways. */
export interface EdgeScrapeClients {
  readonly exporters: HttpClient;
  readonly gateways: HttpClient;
}

/**
 * Scrape jobs for edge nodes: node_exporter, the edge agent, the log agent and
 * one blackbox probe per camera. The hub (pull sites) and a node's own agent
 * (push sites) use the same jobs and labels, so rules and dashboards see the
 * same series either way.
 */
export function edgeScrapeJobs(nodes: readonly ScrapedNode[], clients: EdgeScrapeClients): ScrapeJob[] {
  const scheme = (n: ScrapedNode) => (n.site.tls ? "https" : "http");
  const labels = (n: ScrapedNode, service: string) => ({ site: n.site.name, node: n.node.name, service });
  // Exporters serve their own web config: HTTPS unless the site turned TLS off.
  const exporter = (service: string, port: number): ScrapeTarget[] =>
    nodes.map((n) => ({ address: `${n.host}:${port}`, labels: labels(n, service), ...(n.site.tls ? {} : { scheme: "http" as const }) }));
  // The edge agent and log agent: behind the gateway, or plain on the node (loopback, or a lab site).
  const behindGateway = (service: string, path: string, port: (n: ScrapedNode) => number): ScrapeTarget[] =>
    nodes.map((n) =>
      n.viaGateway
        ? { address: `${n.host}:${METRICS_GATEWAY_PORT}`, labels: labels(n, service), scheme: "https" as const, metricsPath: path }
        : { address: `${n.host}:${port(n)}`, labels: labels(n, service) },
    );
  const probes: ScrapeTarget[] = nodes.flatMap((n) =>
    n.node.cameras.map((camera) => {
      const probe = probeOf(camera);
      return {
        address: `${n.host}:${PORTS.blackboxExporter}`,
        ...(scheme(n) === "http" ? { scheme: "http" as const } : {}),
        // __param_* become the /probe query; they are dropped after relabelling.
        labels: { site: n.site.name, node: n.node.name, camera: camera.name, service: "camera-probe", __param_target: probe.target, __param_module: probe.module },
      };
    }),
  );
  // Only hosts that serve TLS have a certificate in use.
  const certificates = nodes.filter((n) => n.site.tls).map((n) => certificateProbe(`${n.host}:${PORTS.blackboxExporter}`, { site: n.site.name, node: n.node.name }));
  if (nodes.length === 0) return [];
  return [
    { name: "node-exporter", scheme: "https", client: clients.exporters, targets: exporter("node-exporter", PORTS.nodeExporter) },
    { name: "edge-agent", client: clients.gateways, targets: behindGateway("edge-agent", GATEWAY_PATHS.edgeAgent, () => PORTS.edgeAgent) },
    { name: "log-agent", client: clients.gateways, targets: behindGateway("log-agent", GATEWAY_PATHS.logAgent, (n) => logAgentPort(n.node)) },
    { name: "blackbox-exporter", scheme: "https", client: clients.exporters, targets: exporter("blackbox-exporter", PORTS.blackboxExporter) },
    ...(probes.length > 0
      ? [
          {
            name: "camera-probe",
            metricsPath: "/probe",
            scheme: "https" as const,
            client: clients.exporters,
            scrapeIntervalSeconds: PROBE_INTERVAL_SECONDS,
            // The probed camera, not the exporter, is the instance.
            targetRelabels: [{ sourceLabel: "__param_target", targetLabel: "instance" }],
            targets: probes,
          },
        ]
      : []),
    ...(certificates.length > 0 ? [certificateProbeJob(clients.exporters, certificates)] : []),
  ];
}
