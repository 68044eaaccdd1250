import { probeOf } from "../constructs/config/blackbox-config";
import type { ScrapeJob, ScrapeTarget } from "../constructs/config/prometheus-config";
import { PORTS } from "../constructs/ports";
import type { EdgeNode, Site } from "../inventory/schema";

/** Seconds between camera probes: part of the camera-offline notification budget. */
export const PROBE_INTERVAL_SECONDS = 15;

/** Port of a node's log agent HTTP server (metrics, readiness). */
export const logAgentPort = (node: EdgeNode) => (node.logAgent === "alloy" ? PORTS.alloy : PORTS.promtail);

/** A node and the host its exporters are reached at: its address (pull) or 127.0.0.1 (push, local agent). */
export interface ScrapedNode {
  readonly site: Site;
  readonly node: EdgeNode;
  readonly host: string;
}

/**
 * Scrape jobs for edge nodes: node_exporter, the edge agent, the log agent and
 * one blackbox probe per camera. The hub (pull sites) and a node's own agent
 * (push sites) use the same jobs and labels, so rules and dashboards see the
 * same series either way.
 */
export function edgeScrapeJobs(nodes: readonly ScrapedNode[]): ScrapeJob[] {
  const on = (service: string, port: (n: ScrapedNode) => number): ScrapeTarget[] =>
    nodes.map((n) => ({ address: `${n.host}:${port(n)}`, labels: { site: n.site.name, node: n.node.name, service } }));
  const probes: ScrapeTarget[] = nodes.flatMap((n) =>
    n.node.cameras.map((camera) => {
      const probe = probeOf(camera);
      return {
        address: `${n.host}:${PORTS.blackboxExporter}`,
        // __param_* become the /probe query; they are dropped after relabelling.
        labels: { site: n.site.name, node: n.node.name, camera: camera.name, service: "camera-probe", __param_target: probe.target, __param_module: probe.module },
      };
    }),
  );
  if (nodes.length === 0) return [];
  return [
    { name: "node-exporter", targets: on("node-exporter", () => PORTS.nodeExporter) },
    { name: "edge-agent", targets: on("edge-agent", () => PORTS.edgeAgent) },
    { name: "log-agent", targets: on("log-agent", (n) => logAgentPort(n.node)) },
    { name: "blackbox-exporter", targets: on("blackbox-exporter", () => PORTS.blackboxExporter) },
    ...(probes.length > 0
      ? [
          {
            name: "camera-probe",
            metricsPath: "/probe",
            scrapeIntervalSeconds: PROBE_INTERVAL_SECONDS,
            // The probed camera, not the exporter, is the instance.
            targetRelabels: [{ sourceLabel: "__param_target", targetLabel: "instance" }],
            targets: probes,
          },
        ]
      : []),
  ];
}
