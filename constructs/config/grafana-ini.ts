import { GENERATED_HEADER } from "./yaml";

export interface GrafanaServerConfig {
  readonly httpPort: number;
  readonly adminUser: string;
  /** File inside the container that holds the admin password (uploaded from a sensitive variable). */
  readonly adminPasswordFile: string;
  /** Public URL users open; also where cookies are scoped. */
  readonly rootUrl: string;
  /** Serve HTTPS with these files. @default - plain HTTP */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/** Renders grafana.ini: no anonymous access, no sign-up, no phoning home. */
export function renderGrafanaIni(cfg: GrafanaServerConfig): string {
  const sections: Record<string, Record<string, string | number | boolean>> = {
    server: {
      http_port: cfg.httpPort,
      root_url: cfg.rootUrl,
      ...(cfg.tls ? { protocol: "https", cert_file: cfg.tls.certFile, cert_key: cfg.tls.keyFile, min_tls_version: "TLS1.2" } : {}),
    },
    security: {
      admin_user: cfg.adminUser,
      // Grafana expands $__file{...} itself, so the password never sits in this file.
      admin_password: `$__file{${cfg.adminPasswordFile}}`,
      disable_gravatar: true,
      cookie_secure: cfg.rootUrl.startsWith("https://"),
    },
    users: { allow_sign_up: false, allow_org_create: false },
    // Docker keeps the console log; the root filesystem is read-only, so no log file.
    log: { mode: "console" },
    "auth.anonymous": { enabled: false },
    analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false },
    // Grafana 12.3+ updates its preinstalled plugins (Prometheus, Loki, ...) from grafana.com at
    // every start: it unloads the bundled one, then fails to replace it on the read-only root,
    // and the datasource is gone. Keep the versions the pinned image bundles.
    plugins: { preinstall_auto_update: false },
  };
  const body = Object.entries(sections)
    .map(([name, keys]) => [`[${name}]`, ...Object.entries(keys).map(([k, v]) => `${k} = ${v}`)].join("\n"))
    .join("\n\n");
  return GENERATED_HEADER.replace(/^#/, ";") + body + "\n";
}
