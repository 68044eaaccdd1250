import { toYaml } from "./yaml";

export interface LokiConfig {
  readonly httpPort: number;
  /** Loki retention, a Prometheus duration in whole days. */
  readonly retentionPeriod: string;
  /** Where the ruler sends alerts. */
  readonly alertmanagerUrl: string;
  /** How the ruler authenticates to Alertmanager; the password is inline (Loki has no password file for it). */
  readonly alertmanagerClient?: { readonly username: string; readonly password: string; readonly caFile: string };
  /** Data directory on the volume. */
  readonly dataDir: string;
  /** Directory of ruler rule files (<dir>/<tenant>/*.yaml). */
  readonly rulesDir: string;
}

/** First day of the v13/tsdb schema; fixed so the file never changes by itself. */
export const SCHEMA_START = "2025-01-01";
/** auth_enabled: false makes every stream belong to this tenant (also the ruler's rule directory). */
export const SINGLE_TENANT = "fake";

/**
 * Renders loki.yaml for the single binary on filesystem storage. Every key is
 * checked in tests against the Loki 3.7 configuration reference.
 */
export function renderLokiConfig(cfg: LokiConfig): string {
  return toYaml({
    auth_enabled: false,
    server: { http_listen_port: cfg.httpPort, grpc_listen_port: 9096, log_level: "info" },
    common: {
      instance_addr: "127.0.0.1",
      path_prefix: cfg.dataDir,
      storage: { filesystem: { chunks_directory: `${cfg.dataDir}/chunks`, rules_directory: `${cfg.dataDir}/rules` } },
      replication_factor: 1,
      ring: { kvstore: { store: "inmemory" } },
    },
    schema_config: {
      configs: [{ from: SCHEMA_START, store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } }],
    },
    compactor: {
      working_directory: `${cfg.dataDir}/compactor`,
      retention_enabled: true,
      retention_delete_delay: "2h",
      delete_request_store: "filesystem",
    },
    limits_config: {
      retention_period: cfg.retentionPeriod,
      reject_old_samples: true,
      reject_old_samples_max_age: "168h",
      allow_structured_metadata: true,
    },
    ruler: {
      alertmanager_url: cfg.alertmanagerUrl,
      ...(cfg.alertmanagerClient
        ? {
            alertmanager_client: {
              basic_auth_username: cfg.alertmanagerClient.username,
              basic_auth_password: cfg.alertmanagerClient.password,
              tls_ca_path: cfg.alertmanagerClient.caFile,
            },
          }
        : {}),
      enable_api: true,
      storage: { type: "local", local: { directory: cfg.rulesDir } },
      rule_path: `${cfg.dataDir}/ruler-scratch`,
    },
    analytics: { reporting_enabled: false },
  });
}
