import { parse } from "yaml";
import { undocumentedKeys } from "./support/config-reference";

// A single-binary Loki as we deploy it: filesystem storage, tsdb index, retention on.
const LOKI = `
auth_enabled: false
server:
  http_listen_port: 3100
  grpc_listen_port: 9096
  log_level: info
common:
  path_prefix: /loki
  replication_factor: 1
  ring:
    kvstore:
      store: inmemory
  storage:
    filesystem:
      chunks_directory: /loki/chunks
      rules_directory: /loki/rules
schema_config:
  configs:
    - from: "2024-01-01"
      store: tsdb
      object_store: filesystem
      schema: v13
      index:
        prefix: index_
        period: 24h
storage_config:
  tsdb_shipper:
    active_index_directory: /loki/tsdb-index
    cache_location: /loki/tsdb-cache
compactor:
  working_directory: /loki/compactor
  retention_enabled: true
  delete_request_store: filesystem
limits_config:
  retention_period: 744h
  reject_old_samples: true
  reject_old_samples_max_age: 168h
ingester:
  chunk_idle_period: 1h
query_range:
  results_cache:
    cache:
      embedded_cache:
        enabled: true
        max_size_mb: 100
ruler:
  alertmanager_url: http://alertmanager:9093
  enable_api: true
  external_labels:
    site: home
  alertmanager_client:
    basic_auth_username: loki
    tls_insecure_skip_verify: false
  storage:
    type: local
    local:
      directory: /loki/rules
  rule_path: /loki/rules-temp
analytics:
  reporting_enabled: false
`;

// Promtail tailing Docker containers and plain files, with a parsing pipeline.
const PROMTAIL = `
server:
  http_listen_port: 9080
  grpc_listen_port: 0
  log_level: info
positions:
  filename: /var/lib/promtail/positions.yaml
  sync_period: 10s
clients:
  - url: http://loki:3100/loki/api/v1/push
    tenant_id: home
    batchwait: 1s
    timeout: 10s
    backoff_config:
      min_period: 500ms
      max_period: 5m
      max_retries: 10
    external_labels:
      site: home
      host: nas
    basic_auth:
      username: promtail
      password_file: /run/secrets/loki-password
    tls_config:
      ca_file: /etc/promtail/ca.pem
      insecure_skip_verify: false
scrape_configs:
  - job_name: containers
    docker_sd_configs:
      - host: unix:///var/run/docker.sock
        refresh_interval: 5s
        filters:
          - name: label
            values: ["logging=promtail"]
    relabel_configs:
      - source_labels: ["__meta_docker_container_name"]
        regex: "/(.*)"
        target_label: container
        action: replace
    pipeline_stages:
      - docker: {}
      - json:
          expressions:
            level: level
            msg: message
            ts: time
      - labels:
          level:
      - static_labels:
          site: home
      - timestamp:
          source: ts
          format: RFC3339Nano
      - match:
          selector: '{container="frigate"}'
          stages:
            - regex:
                expression: '^(?P<component>\\w+)'
            - template:
                source: component
                template: "{{ ToLower .Value }}"
            - labels:
                component:
      - match:
          selector: '{level="debug"}'
          action: drop
      - drop:
          older_than: 24h
      - output:
          source: msg
  - job_name: system
    static_configs:
      - targets: [localhost]
        labels:
          job: varlogs
          __path__: /var/log/*.log
    pipeline_stages:
      - cri: {}
      - multiline:
          firstline: '^\\d{4}-\\d{2}-\\d{2}'
          max_wait_time: 3s
      - labeldrop:
          - filename
limits_config:
  readline_rate_enabled: true
  readline_rate: 1000
  readline_burst: 2000
target_config:
  sync_period: 10s
`;

type Json = Record<string, unknown> | unknown[];

/** Renames the last key of `path` (e.g. "schema_config.configs[0].index.period") in a copy of `config`. */
function misspell(config: Json, path: string, wrong: string): Json {
  const copy = structuredClone(config);
  const steps = path.split(/\.|(?=\[)/).map((s) => (s.startsWith("[") ? Number(s.slice(1, -1)) : s));
  const last = steps.pop() as string;
  let parent: any = copy;
  for (const step of steps) parent = parent[step];
  if (!(last in parent)) throw new Error(`test setup: ${path} is not in the config`);
  parent[wrong] = parent[last];
  delete parent[last];
  return copy;
}

describe("undocumentedKeys (Loki v3.7.6 reference)", () => {
  const loki = parse(LOKI) as Json;

  it("accepts a realistic single-binary config", () => {
    expect(undocumentedKeys(loki, "loki")).toEqual([]);
  });

  it("fails when a top-level key is misspelled", () => {
    expect(undocumentedKeys(misspell(loki, "auth_enabled", "auth_enabeld"), "loki")).toEqual([
      "auth_enabeld: not in the Loki v3.7.6 reference",
    ]);
  });

  it("fails when a nested key is misspelled", () => {
    expect(undocumentedKeys(misspell(loki, "compactor.retention_enabled", "retention_enabeld"), "loki")).toEqual([
      "compactor.retention_enabeld: not in the Loki v3.7.6 reference",
    ]);
  });

  it("fails when a key inside schema_config.configs[0] is misspelled", () => {
    expect(undocumentedKeys(misspell(loki, "schema_config.configs[0].schema", "schema_version"), "loki")).toEqual([
      "schema_config.configs[0].schema_version: not in the Loki v3.7.6 reference",
    ]);
  });

  it.each([
    "server.http_listen_port",
    "common.path_prefix",
    "common.storage.filesystem.chunks_directory",
    "common.ring.kvstore.store",
    "schema_config.configs[0].index.prefix",
    "schema_config.configs[0].index.period",
    "storage_config.tsdb_shipper.active_index_directory",
    "limits_config.retention_period",
    "ingester.chunk_idle_period",
    "query_range.results_cache.cache.embedded_cache.max_size_mb",
    "ruler.storage.local.directory",
    "ruler.alertmanager_client.basic_auth_username",
    "ruler.alertmanager_client.tls_insecure_skip_verify", // from the inlined [<tls_config>]
    "analytics.reporting_enabled",
  ])("fails when %s is misspelled", (path) => {
    const wrong = `${path.split(".").pop()}x`;
    const reported = path.replace(/[^.]+$/, wrong);
    expect(undocumentedKeys(misspell(loki, path, wrong), "loki")).toEqual([`${reported}: not in the Loki v3.7.6 reference`]);
  });

  it("fails once per undocumented key, reporting all of them", () => {
    const config = { ...(loki as object), compactr: {}, server: { http_listen_prot: 3100, log_level: "info" } };
    expect(undocumentedKeys(config, "loki")).toEqual([
      "server.http_listen_prot: not in the Loki v3.7.6 reference",
      "compactr: not in the Loki v3.7.6 reference",
    ]);
  });
});

describe("undocumentedKeys (Promtail v3.6.15 reference)", () => {
  const promtail = parse(PROMTAIL) as Json;

  it("accepts a realistic config with a json/labels/static_labels/timestamp/match pipeline", () => {
    expect(undocumentedKeys(promtail, "promtail")).toEqual([]);
  });

  it("fails when a key in clients[0].backoff_config is misspelled", () => {
    expect(undocumentedKeys(misspell(promtail, "clients[0].backoff_config.max_retries", "max_retires"), "promtail")).toEqual([
      "clients[0].backoff_config.max_retires: not in the Promtail v3.6.15 reference",
    ]);
  });

  it("fails when a key inside a pipeline stage is misspelled", () => {
    const path = "scrape_configs[0].pipeline_stages[1].json.expressions";
    expect(undocumentedKeys(misspell(promtail, path, "expresions"), "promtail")).toEqual([
      "scrape_configs[0].pipeline_stages[1].json.expresions: not in the Promtail v3.6.15 reference",
    ]);
  });

  it("fails when a stage name is misspelled, also inside match.stages", () => {
    const config = misspell(misspell(promtail, "scrape_configs[0].pipeline_stages[4].timestamp", "timestmp"), "scrape_configs[0].pipeline_stages[5].match.stages[1].template", "templat");
    expect(undocumentedKeys(config, "promtail")).toEqual([
      "scrape_configs[0].pipeline_stages[4].timestmp: not in the Promtail v3.6.15 reference",
      "scrape_configs[0].pipeline_stages[5].match.stages[1].templat: not in the Promtail v3.6.15 reference",
    ]);
  });

  it.each([
    "server.http_listen_port",
    "positions.filename",
    "clients[0].url",
    "clients[0].basic_auth.password_file",
    "clients[0].tls_config.ca_file",
    "scrape_configs[0].job_name",
    "scrape_configs[0].docker_sd_configs[0].refresh_interval",
    "scrape_configs[0].docker_sd_configs[0].filters[0].values",
    "scrape_configs[0].relabel_configs[0].target_label",
    "scrape_configs[0].pipeline_stages[4].timestamp.format",
    "scrape_configs[0].pipeline_stages[5].match.selector",
    "scrape_configs[0].pipeline_stages[5].match.stages[0].regex.expression",
    "scrape_configs[0].pipeline_stages[7].drop.older_than",
    "scrape_configs[0].pipeline_stages[8].output.source",
    "scrape_configs[1].static_configs[0].targets",
    "scrape_configs[1].pipeline_stages[1].multiline.max_wait_time",
    "limits_config.readline_rate",
    "target_config.sync_period",
  ])("fails when %s is misspelled", (path) => {
    const wrong = `${path.split(".").pop()}x`;
    const reported = path.replace(/[^.]+$/, wrong);
    expect(undocumentedKeys(misspell(promtail, path, wrong), "promtail")).toEqual([`${reported}: not in the Promtail v3.6.15 reference`]);
  });

  it("accepts any key under free-form label maps", () => {
    const config = {
      clients: [{ url: "http://loki:3100/loki/api/v1/push", external_labels: { anything_goes: "x" } }],
      scrape_configs: [{ job_name: "x", static_configs: [{ labels: { whatever: "y" } }], pipeline_stages: [{ static_labels: { free: "z" } }] }],
    };
    expect(undocumentedKeys(config, "promtail")).toEqual([]);
  });
});
