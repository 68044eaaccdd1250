import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing } from "cdktf";
import { Dashboard } from "../.gen/providers/grafana/dashboard";
import { DataSource } from "../.gen/providers/grafana/data-source";
import { Folder } from "../.gen/providers/grafana/folder";
import { GrafanaProvider } from "../.gen/providers/grafana/provider";
import { dashboardsOf } from "./support/generated";
import { importDashboard, loadImportedDashboards } from "../dashboards/imported";
import { dashboardJson } from "../dashboards/serialize";
import { defineStacks } from "../stacks/app";
import { FOLDERS, GrafanaStack } from "../stacks/grafana-stack";
import { HubStack } from "../stacks/hub-stack";
import { exampleInventory, ROOT } from "./support/example";
import { logqlErrors, promqlErrors, promqlMetricNames } from "./support/grammars";
import { KNOWN_METRICS } from "./support/metric-catalog";

const IMPORTED = join(ROOT, "dashboards", "imported");
const imported = loadImportedDashboards(IMPORTED);
const GENERATED = dashboardsOf();
const models = [...GENERATED.map((d) => d.dashboard.build() as unknown as Record<string, any>), ...imported.map((i) => i.model as Record<string, any>)];

type Panel = { type: string; title?: string; description?: string; fieldConfig?: { defaults?: { unit?: string } }; targets?: { expr?: string; datasource?: { type?: string } }[]; panels?: Panel[] };
const panelsOf = (model: Record<string, any>): Panel[] => (model.panels as Panel[]).flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== "row");

/** Grafana's macros and variables replaced by values the grammars accept. */
function substituteMacros(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|auto|range)\b/g, "5m")
    .replace(/\$\{?([a-z_]+)\}?/g, "any");
}

describe("grafana stack", () => {
  const app = Testing.app();
  const inventory = exampleInventory();
  const hub = new HubStack(app, "hub", { inventory });
  const json = Testing.synth(new GrafanaStack(app, "grafana", { inventory, imported, hub }));
  const parsed = JSON.parse(json);

  it("talks to the hub's Grafana over TLS, trusting the private CA, with credentials from a sensitive variable", () => {
    expect(json).toHaveProviderWithProperties(GrafanaProvider, {
      url: "https://192.168.1.10:3000/",
      auth: "admin:${var.grafana_admin_password}",
      ca_cert: expect.stringMatching(/^\$\{tls_self_signed_cert\.credentials_ca_[0-9A-F]+\.cert_pem\}$/),
    });
    expect(parsed.variable.grafana_admin_password).toMatchObject({ sensitive: true });
    expect(parsed.terraform.required_providers.grafana.source).toBe("grafana/grafana");
  });

  it("provisions Prometheus, Loki and Alertmanager with fixed UIDs, Alertmanager linked from Prometheus", () => {
    const authenticated = { basic_auth_enabled: true, basic_auth_username: "grafana" };
    expect(json).toHaveResourceWithProperties(DataSource, { uid: "prometheus", type: "prometheus", url: "https://prometheus:9090", is_default: true, ...authenticated });
    // Loki checks no credentials: Grafana reaches it on the hub's internal network.
    expect(json).toHaveResourceWithProperties(DataSource, { uid: "loki", type: "loki", url: "http://loki:3100" });
    expect(json).toHaveResourceWithProperties(DataSource, { uid: "alertmanager", type: "alertmanager", url: "https://alertmanager:9093", ...authenticated });
    const prometheus = Object.values<any>(parsed.resource.grafana_data_source).find((d) => d.uid === "prometheus");
    expect(JSON.parse(prometheus.json_data_encoded)).toMatchObject({ alertmanagerUid: "alertmanager", tlsAuthWithCACert: true });
    // Terraform encodes the password and the CA's PEM (newlines and all) into the secure JSON.
    expect(prometheus.secure_json_data_encoded).toMatch(
      /^\$\{jsonencode\(\{"basicAuthPassword" = random_password\.credentials_password-grafana_[0-9A-F]+\.result, "tlsCACert" = tls_self_signed_cert\.credentials_ca_[0-9A-F]+\.cert_pem\}\)\}$/,
    );
  });

  it("puts every dashboard in its concern's folder", () => {
    for (const f of Object.values(FOLDERS)) expect(json).toHaveResourceWithProperties(Folder, { uid: f.uid, title: f.title });
    const placed = Object.values<any>(parsed.resource.grafana_dashboard).map((d) => [JSON.parse(d.config_json).uid, d.folder]);
    const folderKey = (ref: string) => /^\$\{grafana_folder\.folders_([a-z]+)_[0-9A-F]+\.uid\}$/.exec(ref)?.[1];
    expect(Object.fromEntries(placed.map(([uid, folder]) => [uid, folderKey(folder)]))).toEqual({
      "home-cameras": "cameras",
      "home-sensors": "sensors",
      "home-logging": "logging",
      "home-stack-health": "stack",
      "hub-host": "imported",
    });
    expect(json).toHaveResourceWithProperties(Dashboard, { overwrite: true });
  });

  it("fails when an imported dashboard cannot be imported, naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "imported-"));
    try {
      writeFileSync(join(dir, "broken.json"), "{ not json");
      expect(() => defineStacks(new App({ outdir: join(dir, "out") }), exampleInventory(), dir)).toThrow(/broken\.json: is not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("dashboards", () => {
  it.each(GENERATED.map((d) => [d.dashboard.build().uid!, d.dashboard] as const))("%s matches its snapshot", (_uid, d) => {
    expect(JSON.parse(dashboardJson(d.build()))).toMatchSnapshot();
  });

  it("have fixed UIDs and the common tags", () => {
    for (const model of models.slice(0, GENERATED.length)) {
      expect(model.uid).toMatch(/^home-[a-z-]+$/);
      expect(model.tags).toEqual(expect.arrayContaining(["home-observability", "generated"]));
    }
  });

  it("give every panel a title, description and unit", () => {
    for (const model of models)
      for (const panel of panelsOf(model))
        expect({ dashboard: model.uid, title: panel.title, description: !!panel.description, unit: !!panel.fieldConfig?.defaults?.unit }).toEqual({
          dashboard: model.uid,
          title: expect.any(String),
          description: true,
          unit: true,
        });
  });

  it("have a site variable", () => {
    for (const model of models.slice(0, GENERATED.length)) expect(model.templating.list.map((v: { name: string }) => v.name)).toContain("site");
  });

  it("serialise to the same JSON twice, without keys Grafana adds on save", () => {
    for (const { dashboard } of GENERATED) {
      const first = dashboardJson(dashboard.build());
      expect(dashboardJson(dashboard.build())).toBe(first);
      const model = JSON.parse(first);
      expect(model.id).toBeUndefined();
      expect(model.version).toBeUndefined();
      expect(model.panels.map((p: { id: number }) => p.id)).toEqual(model.panels.map((_: unknown, i: number) => i + 1));
      // Keys sorted: what the provider stores equals what it sends.
      expect(Object.keys(model)).toEqual([...Object.keys(model)].sort());
    }
  });
});

describe("dashboard queries", () => {
  const queries = models.flatMap((model) =>
    panelsOf(model).flatMap((panel) =>
      (panel.targets ?? []).map((t) => ({ where: `${model.uid} / ${panel.title}`, type: t.datasource?.type ?? "prometheus", expr: t.expr ?? "" })),
    ),
  );
  const variableQueries = models.flatMap((model) => (model.templating?.list ?? []).map((v: { query: string }) => /^label_values\((.*), [a-z_]+\)$/.exec(v.query)?.[1] ?? ""));

  it.each(queries.filter((q) => q.type === "prometheus").map((q) => [q.where, q.expr]))("PromQL of %s parses", (_where, expr) => {
    expect(promqlErrors(substituteMacros(expr))).toEqual([]);
  });

  it.each(queries.filter((q) => q.type === "loki").map((q) => [q.where, q.expr]))("LogQL of %s parses", (_where, expr) => {
    expect(logqlErrors(substituteMacros(expr))).toEqual([]);
  });

  it("query only metrics the stack produces", () => {
    const used = [...queries.filter((q) => q.type === "prometheus").map((q) => q.expr), ...variableQueries].flatMap((expr) =>
      promqlMetricNames(substituteMacros(expr)).map((metric) => ({ metric, expr })),
    );
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((u) => !KNOWN_METRICS.has(u.metric))).toEqual([]);
  });

  it("fails when a query has a typo or an unknown metric (the checks can fail)", () => {
    expect(promqlErrors(substituteMacros("rate(up[$__rate_interval]"))).not.toEqual([]);
    expect(promqlMetricNames("rate(camera_fps_total[5m])").filter((m) => !KNOWN_METRICS.has(m))).toEqual(["camera_fps_total"]);
  });
});

describe("imported dashboards", () => {
  it("rewire an exported dashboard's datasource inputs to the provisioned UIDs", () => {
    const [hubHost] = imported;
    const text = JSON.stringify(hubHost.model);
    expect(text).not.toContain("${DS_PROM}");
    expect(text).not.toContain("__inputs");
    expect(hubHost.model.panels).toEqual(expect.arrayContaining([expect.objectContaining({ datasource: { type: "prometheus", uid: "prometheus" } })]));
    expect(JSON.parse(dashboardJson(hubHost.model)).version).toBeUndefined();
  });

  it("rewire a plain export's datasource references by type", () => {
    const plain = importDashboard("plain.json", JSON.stringify({ uid: "x1", title: "X", panels: [{ type: "logs", datasource: { type: "loki", uid: "P8E80F9AEF21F6940" }, targets: [{ datasource: "Loki", expr: "{a=\"b\"}" }] }] }));
    expect((plain.model.panels as any[])[0]).toEqual({ type: "logs", datasource: { type: "loki", uid: "loki" }, targets: [{ datasource: { type: "loki", uid: "loki" }, expr: '{a="b"}' }] });
  });

  it.each([
    ["invalid JSON", "{", /bad\.json: is not valid JSON/],
    ["no uid", JSON.stringify({ title: "T", panels: [] }), /bad\.json: uid must be 1-40 letters.*got undefined/],
    ["an unprovisioned datasource type", JSON.stringify({ uid: "u", title: "T", panels: [{ datasource: { type: "influxdb", uid: "abc" } }] }), /bad\.json: uses a datasource of type "influxdb"/],
    ["an undeclared input", JSON.stringify({ uid: "u", title: "T", panels: [{ targets: [{ expr: "${DS_OTHER}" }] }] }), /bad\.json: refers to \$\{DS_OTHER\}/],
    ["an input for an unprovisioned plugin", JSON.stringify({ __inputs: [{ name: "DS_X", type: "datasource", pluginId: "mysql" }], uid: "u", title: "T", panels: [] }), /bad\.json: __inputs "DS_X" needs a "mysql" datasource/],
  ])("fails when a file has %s, naming the file", (_case, text, message) => {
    expect(() => importDashboard("bad.json", text)).toThrow(message);
  });
});
