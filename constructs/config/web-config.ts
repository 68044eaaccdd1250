import { bcryptRef } from "./terraform-content";
import { toYaml } from "./yaml";

export interface WebConfig {
  /** Serve TLS with these files; undefined serves plain HTTP. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Basic-auth users; each password is checked against its `${bcrypt.<user>}` hash. */
  readonly users: readonly string[];
}

/**
 * Renders the exporter-toolkit web config read by `--web.config.file` in
 * Prometheus (server and agent), Alertmanager, pushgateway, node_exporter and
 * blackbox_exporter. Authentication covers every path, /metrics and /-/healthy too.
 */
export function renderWebConfig(cfg: WebConfig): string {
  if (cfg.users.length === 0) throw new Error("renderWebConfig: a web config without users would leave the endpoint open");
  return toYaml({
    ...(cfg.tls ? { tls_server_config: { cert_file: cfg.tls.certFile, key_file: cfg.tls.keyFile, min_version: "TLS12" } } : {}),
    basic_auth_users: Object.fromEntries([...new Set(cfg.users)].sort().map((user) => [user, bcryptRef(user)])),
  });
}
