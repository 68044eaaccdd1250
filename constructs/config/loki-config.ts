import { toYaml } from "./yaml";

export interface LokiConfig {
  readonly httpPort: number;
  /** Loki retention, a Prometheus duration in whole days. */
  readonly retentionPeriod: string;
  /** Where the ruler sends alerts: one URL, or every replica's, comma-separated (the ruler sends to each). */
  readonly alertmanagerUrl: string;
  /** How the ruler authenticates to Alertmanager; the password is inline (Loki has no password file for it). */
  readonly alertmanagerClient?: { readonly username: string; readonly password: string; readonly caFile: string };
  /** Data directory on the volume. */
  readonly dataDir: string;
  /** Directory of ruler rule files (<dir>/<tenant>/*.yaml). */
  readonly rulesDir: string;
  /** Where chunks and index live. @default - the filesystem under dataDir */
  readonly objectStorage?: LokiS3Storage;
  /**
   * Simple scalable mode: the write, read and backend targets run apart and find
   * each other by memberlist. @default - single binary (every target in one process)
   */
  readonly scalable?: {
    /** host:port of every target's memberlist listener. */
    readonly joinMembers: readonly string[];
    /** http://host:port of the backend target (compactor, for deletes and retention). */
    readonly compactorAddress: string;
    readonly memberlistPort: number;
  };
}

/** An S3-compatible bucket; credentials are placeholders filled in by Terraform. */
export interface LokiS3Storage {
  /** host[:port], no scheme. */
  readonly endpoint: string;
  /** Plain HTTP to the endpoint. */
  readonly insecure: boolean;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly pathStyle: boolean;
  /** CA file the endpoint's certificate must chain to. @default - the system's */
  readonly caFile?: string;
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
  const s3 = cfg.objectStorage;
  const store = s3 ? "s3" : "filesystem";
  return toYaml({
    auth_enabled: false,
    server: { http_listen_port: cfg.httpPort, grpc_listen_port: 9096, log_level: "info" },
    common: {
      // One process: the rings need no address others can reach.
      ...(cfg.scalable ? {} : { instance_addr: "127.0.0.1" }),
      path_prefix: cfg.dataDir,
      storage: s3
        ? {
            s3: {
              endpoint: s3.endpoint,
              bucketnames: s3.bucket,
              region: s3.region,
              access_key_id: s3.accessKeyId,
              secret_access_key: s3.secretAccessKey,
              s3forcepathstyle: s3.pathStyle,
              insecure: s3.insecure,
              ...(s3.caFile ? { http_config: { ca_file: s3.caFile } } : {}),
            },
          }
        : { filesystem: { chunks_directory: `${cfg.dataDir}/chunks`, rules_directory: `${cfg.dataDir}/rules` } },
      replication_factor: 1,
      ring: { kvstore: { store: cfg.scalable ? "memberlist" : "inmemory" } },
      ...(cfg.scalable ? { compactor_address: cfg.scalable.compactorAddress } : {}),
    },
    ...(cfg.scalable ? { memberlist: { join_members: [...cfg.scalable.joinMembers], bind_port: cfg.scalable.memberlistPort } } : {}),
    schema_config: {
      configs: [{ from: SCHEMA_START, store: "tsdb", object_store: store, schema: "v13", index: { prefix: "index_", period: "24h" } }],
    },
    // Object storage: the index is built locally and shipped to the bucket every
    // 15 minutes; queriers keep a cache of what they downloaded.
    ...(s3 ? { storage_config: { tsdb_shipper: { active_index_directory: `${cfg.dataDir}/tsdb-index`, cache_location: `${cfg.dataDir}/tsdb-cache` } } } : {}),
    compactor: {
      working_directory: `${cfg.dataDir}/compactor`,
      // Retention deletes chunks in the store the index lives in; deletes wait 2h
      // so a querier never reads an index pointing at removed chunks.
      retention_enabled: true,
      retention_delete_delay: "2h",
      delete_request_store: store,
      ...(s3 ? { compaction_interval: "10m", retention_delete_worker_count: 50 } : {}),
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

