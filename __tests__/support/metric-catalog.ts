// Metrics the deployed stack produces, by where they come from. A dashboard
// panel may only query these, so no panel is blank by design. Names of real
// exporters are checked against the running Debian binaries in
// dashboards.test.ts; the others follow their components' documentation or the
// operator images' contracts stated in the README.
export const METRIC_SOURCES: Record<string, readonly string[]> = {
  prometheus: [
    "up",
    "ALERTS",
    "prometheus_rule_evaluation_failures_total",
    "prometheus_rule_group_last_duration_seconds",
    "prometheus_remote_storage_highest_timestamp_in_seconds",
    "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
  ],
  alertmanager: ["alertmanager_notifications_total", "alertmanager_notifications_failed_total"],
  "node-exporter": ["node_cpu_seconds_total", "node_memory_MemAvailable_bytes", "node_filesystem_avail_bytes", "node_filesystem_size_bytes"],
  "blackbox-exporter": ["probe_success", "probe_duration_seconds"],
  pushgateway: ["push_time_seconds"],
  loki: ["loki_discarded_samples_total"],
  promtail: ["promtail_request_duration_seconds_count", "promtail_dropped_entries_total"],
  alloy: ["loki_write_request_duration_seconds_count", "loki_write_dropped_entries_total"],
  // Operator images (contracts in the README): tapo-camera-mcp uses FastAPI's Prometheus instrumentation.
  "tapo-camera-mcp": ["tapo_camera_online", "http_requests_total"],
  "edge-agent": ["sensor_last_update_timestamp_seconds", "sensor_value"],
};

export const KNOWN_METRICS = new Set(Object.values(METRIC_SOURCES).flat());
