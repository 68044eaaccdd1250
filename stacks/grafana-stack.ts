import { Fn, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Dashboard } from "../.gen/providers/grafana/dashboard";
import { DataSource } from "../.gen/providers/grafana/data-source";
import { Folder } from "../.gen/providers/grafana/folder";
import { GrafanaProvider } from "../.gen/providers/grafana/provider";
import { SecretVariables } from "../constructs/secret-variables";
import { assembleDashboards } from "../dashboards/frames";
import { DATASOURCE_UIDS } from "../dashboards";
import { ImportedDashboard } from "../dashboards/imported";
import { dashboardJson } from "../dashboards/serialize";
import type { Inventory } from "../inventory/schema";
import type { HubStack } from "./hub-stack";

export interface GrafanaStackProps {
  readonly inventory: Inventory;
  /** Dashboards from dashboards/imported/, already validated and rewired. */
  readonly imported: readonly ImportedDashboard[];
  /**
   * The hub, built with every other stack: its Grafana, the services the
   * datasources read, its credentials (the CA and Grafana's password, read as
   * cross-stack outputs), and the panels of every component its Prometheus watches.
   */
  readonly hub: HubStack;
}

/** Folders by concern; fixed UIDs (distinct from dashboard UIDs, which Grafana once shared a table with). */
export const FOLDERS = {
  cameras: { uid: "folder-cameras", title: "Cameras" },
  sensors: { uid: "folder-sensors", title: "Sensors" },
  logging: { uid: "folder-logging", title: "Logging" },
  stack: { uid: "folder-stack-health", title: "Stack health" },
  imported: { uid: "folder-imported", title: "Imported" },
} as const;

/**
 * Grafana's datasources, folders and dashboards, pushed through Grafana's API.
 * Deployed after `hub`: the provider's URL and admin password are known at
 * plan time (inventory and a sensitive variable); the CA and the datasources'
 * password are the hub's outputs, read from its state.
 */
export class GrafanaStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: GrafanaStackProps) {
    super(scope, id);
    const { hub } = props.inventory;
    const credentials = props.hub.credentials;
    const secrets = new SecretVariables(this, "secrets");
    // The inventory guarantees Grafana is published on a non-loopback address.
    new GrafanaProvider(this, "grafana", {
      url: `https://${hub.address}:${props.hub.grafana.publishedPort}/`,
      auth: `admin:${secrets.token("grafana_admin_password")}`,
      caCert: credentials.caCertPem,
    });

    // Grafana reaches the other services by their names on the hub's Docker networks:
    // Prometheus and Alertmanager over TLS as user "grafana", Loki on the internal network.
    const authenticated = {
      basicAuthEnabled: true,
      basicAuthUsername: "grafana",
      // jsonencode in Terraform: the PEM's newlines must be escaped inside the JSON.
      secureJsonDataEncoded: Fn.jsonencode({ basicAuthPassword: credentials.password("grafana").result, tlsCACert: credentials.caCertPem }),
    };
    const prometheusJson = { httpMethod: "POST", timeInterval: "30s", manageAlerts: false, alertmanagerUid: DATASOURCE_UIDS.alertmanager, tlsAuthWithCACert: true };
    new DataSource(this, "prometheus", {
      uid: DATASOURCE_UIDS.prometheus,
      name: "Prometheus",
      type: "prometheus",
      url: props.hub.prometheus.url,
      isDefault: true,
      jsonDataEncoded: JSON.stringify(prometheusJson),
      ...authenticated,
    });
    new DataSource(this, "loki", {
      uid: DATASOURCE_UIDS.loki,
      name: "Loki",
      type: "loki",
      // The read target in scalable mode.
      url: props.hub.loki.url,
      jsonDataEncoded: JSON.stringify({ maxLines: 1000, alertmanagerUid: DATASOURCE_UIDS.alertmanager }),
    });
    new DataSource(this, "alertmanager", {
      uid: DATASOURCE_UIDS.alertmanager,
      name: "Alertmanager",
      type: "alertmanager",
      // The first replica: silences made there reach the others by gossip.
      url: `https://${props.hub.alertmanagerAddresses[0]}`,
      jsonDataEncoded: JSON.stringify({ implementation: "prometheus", handleGrafanaManagedAlerts: false, tlsAuthWithCACert: true }),
      ...authenticated,
    });

    // Long-term stores the inventory also wants to query from Grafana; their secrets are this stack's variables.
    for (const target of hub.remoteWrite.filter((t) => t.grafanaDatasource)) {
      const auth = target.auth;
      const secure: Record<string, string> = {
        ...(auth?.type === "basic" ? { basicAuthPassword: secrets.token(auth.passwordVariable) } : {}),
        ...(auth?.type === "bearer" ? { httpHeaderValue1: `Bearer ${secrets.token(auth.tokenVariable)}` } : {}),
        ...(target.caVariable ? { tlsCACert: secrets.token(target.caVariable) } : {}),
      };
      const headers = Object.entries(target.headers).sort(([a], [b]) => a.localeCompare(b));
      // Header 1 is the bearer token's when there is one; the inventory's headers follow.
      const first = auth?.type === "bearer" ? 2 : 1;
      headers.forEach(([, value], i) => (secure[`httpHeaderValue${first + i}`] = value));
      new DataSource(this, `long-term-${target.name}`, {
        uid: `long-term-${target.name}`,
        name: `Long-term: ${target.name}`,
        type: "prometheus",
        url: target.grafanaDatasource!.url,
        jsonDataEncoded: JSON.stringify({
          httpMethod: "POST",
          timeInterval: "30s",
          manageAlerts: false,
          ...(target.caVariable ? { tlsAuthWithCACert: true } : {}),
          ...(auth?.type === "bearer" ? { httpHeaderName1: "Authorization" } : {}),
          ...Object.fromEntries(headers.map(([name], i) => [`httpHeaderName${first + i}`, name])),
        }),
        ...(auth?.type === "basic" ? { basicAuthEnabled: true, basicAuthUsername: auth.username } : {}),
        ...(Object.keys(secure).length > 0 ? { secureJsonDataEncoded: Fn.jsonencode(secure) } : {}),
      });
    }

    const folders = new Construct(this, "folders");
    const folder = Object.fromEntries(
      Object.entries(FOLDERS).map(([key, f]) => [key, new Folder(folders, key, { uid: f.uid, title: f.title, preventDestroyIfNotEmpty: true })]),
    ) as Record<keyof typeof FOLDERS, Folder>;

    const dashboards = new Construct(this, "dashboards");
    // The same settings as the rules, so a panel shows what its alert watches.
    const settings = props.hub.prometheus.alertSettings;
    for (const { folder: key, dashboard } of assembleDashboards(props.hub.prometheus.dashboardPanels(), settings)) {
      const model = dashboard.build();
      new Dashboard(dashboards, model.uid!, { folder: folder[key].uid, configJson: dashboardJson(model), overwrite: true });
    }
    for (const imported of props.imported) {
      new Dashboard(dashboards, `imported-${imported.uid}`, { folder: folder.imported.uid, configJson: dashboardJson(imported.model), overwrite: true });
    }
  }
}
