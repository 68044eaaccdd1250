// Every image the stacks run, pinned by tag. An upgrade is a one-line diff here.
// Tags were checked against each project's releases (Nov 2026). Digests are not
// pinned: the ones seen in public repositories could not be verified against a
// registry from CI; README "Images" says how to add them.
export const IMAGES = {
  /** 3.13 is the long-term-support line (supported to mid-2027). */
  prometheus: "prom/prometheus:v3.13.4",
  alertmanager: "prom/alertmanager:v0.34.1",
  loki: "grafana/loki:3.7.8",
  /** Last Promtail image: Promtail reached end of life on 2026-03-02. */
  promtail: "grafana/promtail:3.6.11",
  alloy: "grafana/alloy:v1.20.1",
  grafana: "grafana/grafana:13.2.3",
  nodeExporter: "prom/node-exporter:v1.12.1",
  blackboxExporter: "prom/blackbox-exporter:v0.29.0",
  pushgateway: "prom/pushgateway:v1.11.4",
  /** ghcr.io is cAdvisor's registry since v0.53 (gcr.io has older ones only); 0.57+ reports a restart's new start time. */
  cadvisor: "ghcr.io/google/cadvisor:0.60.5",
  /** nginx as a non-root user (uid 101), for the TLS gateways. */
  nginxUnprivileged: "nginxinc/nginx-unprivileged:1.28.0-bookworm",
  /** Copies config files onto a service's config volume (read-only root filesystems). */
  configLoader: "busybox:1.37.0",
} as const;
