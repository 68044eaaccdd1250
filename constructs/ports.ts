/** Standard ports of the services, inside their containers and, by default, on the host. */
export const PORTS = {
  prometheus: 9090,
  alertmanager: 9093,
  loki: 3100,
  grafana: 3000,
  pushgateway: 9091,
  nodeExporter: 9100,
  cameraHub: 7777,
  promtail: 9080,
  alloy: 12345,
  edgeAgent: 9400,
  blackboxExporter: 9115,
  cadvisor: 8080,
} as const;
