// What a node's log agent (Promtail or Grafana Alloy) ships, and where to. Both
// renderers take this one object, so switching agents changes nothing else.

export interface LogAgentConfig {
  /** Loki push endpoint on the hub (its TLS gateway), e.g. https://192.168.1.10:3100/loki/api/v1/push */
  readonly lokiPushUrl: string;
  /** The CA the gateway's certificate chains to, and the client certificate the agent presents. @default - plain HTTP */
  readonly tls?: { readonly caFile: string; readonly certFile: string; readonly keyFile: string };
  /** `site` label of every line. */
  readonly site: string;
  /** `device` label of every line: the edge node's name. */
  readonly device: string;
  /**
   * Glob of the edge agent's log files; their directory is mounted read-only at
   * the same path. @default - no file logs (the hub ships container logs only)
   */
  readonly edgeAgentLogGlob?: string;
  /** `service` label of the edge agent's file logs. */
  readonly edgeAgentService: string;
  /** Docker socket mounted read-only, for container discovery and container logs. */
  readonly dockerSocket: string;
  /** Directory on the agent's volume that keeps read positions across restarts. */
  readonly dataDir: string;
  /** Port of the agent's HTTP server (metrics, readiness). */
  readonly httpPort: number;
  /** `severity` when a line carries none (or is not JSON). */
  readonly defaultSeverity: string;
}
