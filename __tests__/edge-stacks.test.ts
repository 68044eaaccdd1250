import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing } from "cdktf";
import { parse } from "yaml";
import { defineStacks } from "../stacks/app";
import { EdgeNodeStack } from "../stacks/edge-node-stack";
import { HubStack } from "../stacks/hub-stack";
import { renderedFiles } from "../stacks/rendered-files";
import { exampleDocument, exampleInventory, grownDocument, inventoryFrom, ROOT } from "./support/example";
import { securityWarnings } from "../security/warnings";

type Synth = { resource: Record<string, Record<string, any>> };

/** The example's edge stacks are synthesized once per file: tests only read them. */
const exampleEdges = new Map<string, Synth>();

function synthEdge(siteName: string, nodeName: string, inventory?: ReturnType<typeof exampleInventory>): Synth {
  if (inventory) return synthEdgeOf(siteName, nodeName, inventory);
  const key = `${siteName}/${nodeName}`;
  if (!exampleEdges.has(key)) exampleEdges.set(key, synthEdgeOf(siteName, nodeName, exampleInventory()));
  return structuredClone(exampleEdges.get(key)!);
}

function synthEdgeOf(siteName: string, nodeName: string, inventory: ReturnType<typeof exampleInventory>): Synth {
  const site = inventory.sites.find((s) => s.name === siteName)!;
  const node = site.nodes.find((n) => n.name === nodeName)!;
  const app = Testing.app();
  const hub = new HubStack(app, "hub", { inventory });
  const edge = new EdgeNodeStack(app, `edge-${siteName}-${nodeName}`, { inventory, site, node, credentials: hub.credentials, hubPrometheus: hub.prometheus, hubLokiGateway: hub.lokiGateway });
  return JSON.parse(Testing.synth(edge));
}

const containers = (s: Synth) => Object.fromEntries(Object.values(s.resource.docker_container).map((c) => [c.name, c]));
const services = (s: Synth) => Object.keys(containers(s)).filter((name) => !name.endsWith("-config-loader")).sort();
/** A service's files as its config loader receives them (read-only roots get files through it). */
const loaderFile = (s: Synth, service: string, name: string): string =>
  containers(s)[`${service}-config-loader`].upload.find((u: { file: string }) => u.file === `/staging/${name}`).content;

/** The whole app in memory (nothing written), for its rendered files. */
function appWith(inventory: ReturnType<typeof exampleInventory>): App {
  const app = new App({ outdir: join(tmpdir(), "unused") });
  defineStacks(app, inventory);
  return app;
}

/** Synthesizes the whole app into a temp dir; returns each stack's cdk.tf.json text and the rendered files. */
function synthAll(doc: Record<string, any>): { stacks: Map<string, string>; rendered: Map<string, string> } {
  const outdir = mkdtempSync(join(tmpdir(), "edge-synth-"));
  try {
    const app = new App({ outdir });
    const { hub, edges } = defineStacks(app, inventoryFrom(doc));
    const rendered = renderedFiles(app);
    app.synth();
    const stacks = new Map([hub, ...edges].map((s) => [s.node.id, readFileSync(join(outdir, "stacks", s.node.id, "cdk.tf.json"), "utf8")]));
    return { stacks, rendered };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("edge node stacks", () => {
  it("gives every node its own stack, named edge-<site>-<node>", () => {
    const app = new App({ outdir: join(tmpdir(), "unused") });
    const { edges } = defineStacks(app, exampleInventory());
    expect(edges.map((s) => s.node.id)).toEqual(["edge-home-porch", "edge-home-garage", "edge-cabin-lodge"]);
  });

  it("runs the exporters (TLS, basic auth) on the node address, and the edge and log agents behind the metrics gateway (pull)", () => {
    const synth = synthEdge("home", "porch");
    const porch = containers(synth);
    expect(services(synth)).toEqual(["blackbox-exporter", "cadvisor", "edge-agent", "metrics-gateway", "node-exporter", "promtail"]);
    expect(porch["node-exporter"].command).toEqual(expect.arrayContaining(["--web.listen-address=192.168.1.21:9100", "--web.config.file=/etc/node-exporter/web.yml"]));
    expect(porch["blackbox-exporter"].ports).toEqual([{ internal: 9115, external: 9115, ip: "192.168.1.21", protocol: "tcp" }]);
    expect(porch["blackbox-exporter"].capabilities).toEqual({ drop: ["ALL"], add: ["NET_RAW"] });
    expect(loaderFile(synth, "node-exporter", "web.yml")).toContain("prometheus: ${");
    // Only the gateway is published for them, and it lets only the hub's certificate in.
    expect(porch["edge-agent"].ports ?? []).toEqual([]);
    expect(porch.promtail.ports ?? []).toEqual([]);
    expect(porch["metrics-gateway"].ports).toEqual([{ internal: 9443, external: 9443, ip: "192.168.1.21", protocol: "tcp" }]);
    const nginx = loaderFile(synth, "metrics-gateway", "nginx.conf");
    expect(nginx).toMatch(/map \$client_cn \$client_allowed \{\n    default 0;\n    "hub" 1;\n  \}/);
    expect(nginx).toContain("set $upstream http://edge-agent:9400/metrics;");
    expect(nginx).toContain("limit_except GET { deny all; }");
    expect(porch["edge-agent"].image).toMatch(/docker_image/);
    expect(containers(synthEdge("home", "garage")).alloy).toBeDefined();
  });

  it("serves plain HTTP on a lab site with TLS off, and warns", () => {
    const doc = exampleDocument();
    doc.sites[0].tls = false;
    const inventory = inventoryFrom(doc);
    const synth = synthEdge("home", "porch", inventory);
    expect(services(synth)).toEqual(["blackbox-exporter", "cadvisor", "edge-agent", "node-exporter", "promtail"]);
    expect(loaderFile(synth, "node-exporter", "web.yml")).not.toContain("tls_server_config");
    expect(containers(synth)["edge-agent"].ports).toEqual([{ internal: 9400, external: 9400, ip: "192.168.1.21", protocol: "tcp" }]);
    expect(securityWarnings(inventory, "sites.yaml")).toEqual([expect.stringMatching(/^WARNING sites\.yaml sites\[0\]\.tls: TLS is off for site "home"/)]);
    expect(securityWarnings(exampleInventory(), "sites.yaml")).toEqual([]);
    // No certificate in use on that site, so none to watch: the hub probes only its own and the TLS nodes'.
    expect(loaderFile(synth, "blackbox-exporter", "blackbox.yml")).not.toContain("tls_certificate");
    const probed = (inv: typeof inventory) => {
      const hub = parse(renderedFiles(appWith(inv)).get("hub/prometheus/prometheus.yml")!);
      return hub.scrape_configs.find((j: { job_name: string }) => j.job_name === "certificate-probe").static_configs.map((g: { labels: { node: string } }) => g.labels.node);
    };
    expect(probed(exampleInventory())).toEqual(["hub", "porch", "garage"]);
    expect(probed(inventory)).toEqual(["hub"]);
  });

  it("keeps a push node's exporters on 127.0.0.1 and remote-writes through a local agent", () => {
    const lodge = containers(synthEdge("cabin", "lodge"));
    expect(lodge["node-exporter"].command).toContain("--web.listen-address=127.0.0.1:9100");
    expect(lodge["edge-agent"].ports).toEqual([{ internal: 9400, external: 9400, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(lodge["prometheus-agent"].command).toEqual(expect.arrayContaining(["--agent", "--storage.agent.retention.max-time=6h"]));
    expect(lodge["prometheus-agent"].network_mode).toBe("host");
    const config = loaderFile(synthEdge("cabin", "lodge"), "prometheus-agent", "prometheus.yml");
    expect(config).toContain("url: https://192.168.1.10:9090/api/v1/write");
    expect(config).toContain("username: edge-cabin-lodge");
  });

  it("ships logs to the hub's Loki with positions on a volume and the edge agent's logs mounted read-only", () => {
    const porch = synthEdge("home", "porch");
    const promtail = containers(porch).promtail;
    expect(loaderFile(porch, "promtail", "promtail.yaml")).toContain("https://192.168.1.10:3100/loki/api/v1/push");
    const volumes = Object.values(porch.resource.docker_volume).map((v) => v.name).filter((name) => !name.endsWith("-config")).sort();
    expect(volumes).toEqual(["edge-agent-logs", "promtail-positions"]);
    expect(promtail.volumes).toEqual(
      expect.arrayContaining([
        { volume_name: expect.stringContaining("log-agent_service_volume-positions"), container_path: "/data" },
        { volume_name: expect.stringContaining("edge-agent_service_volume-logs"), container_path: "/var/log/edge-agent", read_only: true },
      ]),
    );
  });

  it("fails when edges cannot reach the hub's Loki or Prometheus", () => {
    const doc = exampleDocument();
    doc.hub.publish.loki = { address: "127.0.0.1" };
    delete doc.hub.publish.prometheus;
    expect(() => inventoryFrom(doc)).toThrow(/hub\.publish\.loki\.address: must not be a loopback address: edge nodes ship their logs to it[\s\S]*hub\.publish: must publish prometheus: push sites remote-write to it/);
  });
});

describe("adding a site", () => {
  const before = synthAll(exampleDocument());
  const after = synthAll(grownDocument());

  it("adds its node's stack and changes no other edge stack", () => {
    expect([...after.stacks.keys()]).toEqual([...before.stacks.keys(), "edge-barn-loft"]);
    for (const [name, json] of before.stacks) if (name !== "hub") expect({ name, same: after.stacks.get(name) === json }).toEqual({ name, same: true });
  });

  it("changes the hub only where the site appears: scrape targets, sensor rules, runbook-free config", () => {
    const changed = [...after.rendered.keys()].filter((key) => before.rendered.get(key) !== after.rendered.get(key));
    // The Loki gateway lets the new node's certificate in.
    expect(changed.filter((k) => !k.startsWith("edge-barn-loft/"))).toEqual(["hub/loki-gateway/nginx.conf", "hub/prometheus/prometheus.yml", "hub/prometheus/rules/edge-agent.yml"]);
    expect(after.rendered.get("hub/prometheus/prometheus.yml")).toContain("192.168.1.40:9115");
  });
});

describe("push-mode agent config", () => {
  it("scrapes the same jobs with the same labels as the hub does for pull nodes", () => {
    const agent = readFileSync(join(ROOT, "rendered", "edge-cabin-lodge", "prometheus-agent", "prometheus.yml"), "utf8");
    for (const job of ["node-exporter", "edge-agent", "log-agent", "blackbox-exporter", "camera-probe", "prometheus-agent"]) expect(agent).toContain(`job_name: ${job}`);
    expect(agent).toContain("camera: cabin-deck");
  });
});
