import { Container } from "@cdktf/provider-docker/lib/container";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Testing } from "cdktf";
import { Prometheus, SecretVariables } from "../constructs";
import { HubStack } from "../stacks/hub-stack";
import { exampleDocument, exampleInventory, inventoryFrom } from "./support/example";

type Synth = { resource: Record<string, Record<string, any>>; variable: Record<string, any> };

function synthHub(inventory = exampleInventory()): { json: string; parsed: Synth } {
  const json = Testing.synth(new HubStack(Testing.app(), "hub", { inventory }));
  return { json, parsed: JSON.parse(json) };
}

function container(parsed: Synth, name: string): Record<string, any> {
  const found = Object.values(parsed.resource.docker_container).find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

describe("hub stack", () => {
  const { json, parsed } = synthHub();

  it("talks to the hub's Docker host over SSH", () => {
    expect(json).toHaveProviderWithProperties(DockerProvider, { host: "ssh://ops@hub.home.arpa" });
  });

  it("runs every hub service on one network with the house defaults", () => {
    expect(json).toHaveResourceWithProperties(Network, { name: "observability" });
    const names = Object.values(parsed.resource.docker_container).map((c) => c.name).sort();
    expect(names).toEqual(["alertmanager", "grafana", "loki", "nest", "node-exporter", "petcube", "prometheus", "promtail", "pushgateway", "ring", "tapo-camera-mcp"]);
    const connectors = ["nest", "petcube", "ring"];
    for (const c of Object.values(parsed.resource.docker_container)) {
      expect({ name: c.name, restart: c.restart, logDriver: c.log_driver, hasMemory: c.memory > 0 }).toEqual({ name: c.name, restart: "unless-stopped", logDriver: "json-file", hasMemory: true });
      expect(c.log_opts).toEqual({ "max-size": "10m", "max-file": "5" });
      // Loki's image is distroless and connectors are the operator's images:
      // Prometheus's scrape or push staleness watches those instead.
      if (c.name !== "loki" && !connectors.includes(c.name)) expect(c.healthcheck.test[0]).toBe("CMD");
    }
  });

  it("keeps every data volume from being destroyed", () => {
    const volumes = Object.values(parsed.resource.docker_volume);
    expect(volumes.map((v) => v.name).sort()).toEqual(["alertmanager-data", "grafana-data", "loki-data", "prometheus-data", "promtail-positions", "pushgateway-data"]);
    for (const v of volumes) expect(v.lifecycle).toEqual({ prevent_destroy: true });
    expect(json).toHaveResourceWithProperties(Volume, { name: "prometheus-data", lifecycle: { prevent_destroy: true } });
  });

  it("ships the hub's own container logs (connectors included) to Loki on the hub network", () => {
    const promtail = container(parsed, "promtail");
    const config = promtail.upload[0].content as string;
    expect(config).toContain("url: http://loki:3100/loki/api/v1/push");
    expect(config).toContain("site: hub");
    expect(config).toContain("job_name: containers");
    expect(config).not.toContain("job_name: edge-agent");
    expect(promtail.ports ?? []).toEqual([]);
  });

  it("publishes ports only where the inventory says", () => {
    expect(container(parsed, "alertmanager").ports).toEqual([{ internal: 9093, external: 9093, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(container(parsed, "grafana").ports).toEqual([{ internal: 3000, external: 3000, ip: "192.168.1.10", protocol: "tcp" }]);

    // Only what edges and the grafana stack need stays published: Loki, Prometheus, Grafana.
    const doc = exampleDocument();
    doc.hub.publish = { loki: doc.hub.publish.loki, prometheus: doc.hub.publish.prometheus, grafana: doc.hub.publish.grafana };
    const closed = synthHub(inventoryFrom(doc)).parsed;
    const published = Object.values(closed.resource.docker_container).filter((c) => (c.ports ?? []).length > 0).map((c) => c.name).sort();
    expect(published).toEqual(["grafana", "loki", "prometheus"]);
  });

  it("runs Prometheus with retention, lifecycle API and remote write for push sites", () => {
    expect(json).toHaveResourceWithProperties(Container, {
      name: "prometheus",
      command: expect.arrayContaining([
        "--storage.tsdb.retention.time=30d",
        "--storage.tsdb.retention.size=40GB",
        "--web.enable-lifecycle",
        "--web.enable-remote-write-receiver",
      ]),
    });
    const doc = exampleDocument();
    doc.sites = doc.sites.filter((s: { mode: string }) => s.mode === "pull");
    expect(container(synthHub(inventoryFrom(doc)).parsed, "prometheus").command).not.toContain("--web.enable-remote-write-receiver");
  });

  it("turns Alertmanager's cluster listener off", () => {
    expect(container(parsed, "alertmanager").command).toContain("--cluster.listen-address=");
  });

  it("uploads configs with Terraform syntax escaped and secrets as sensitive variables", () => {
    const uploads: { file: string; content: string }[] = container(parsed, "alertmanager").upload;
    expect(uploads[0].file).toBe("/etc/alertmanager/alertmanager.yml");
    // Every *_file the config reads is uploaded, holding exactly its variable.
    const referenced = [...uploads[0].content.matchAll(/_file: (\S+)/g)].map((m) => m[1]);
    expect(referenced.length).toBeGreaterThan(0);
    for (const path of referenced) {
      const secret = uploads.find((u) => u.file === path);
      expect({ path, content: secret?.content }).toEqual({ path, content: `\${var.${path.split("/").pop()}}` });
    }
    expect(Object.keys(parsed.variable).sort()).toEqual([
      "grafana_admin_password",
      "heartbeat_url",
      "pager_webhook_url",
      "pushover_token",
      "pushover_user_key",
      "sms_webhook_url",
      "smtp_password",
      "teams_webhook_url",
    ]);
    for (const v of Object.values(parsed.variable)) expect(v).toMatchObject({ sensitive: true, type: "string" });
    expect(container(parsed, "grafana").upload.find((u: { file: string }) => u.file.endsWith("/grafana_admin_password")).content).toBe("${var.grafana_admin_password}");
  });

  it("scrapes every node of pull sites with site, node and service labels", () => {
    const config = container(parsed, "prometheus").upload.find((u: { file: string }) => u.file.endsWith("prometheus.yml")).content as string;
    expect(config).toContain("192.168.1.21:9100");
    expect(config).toContain("192.168.1.22:9400");
    // cabin pushes: the hub never scrapes it.
    expect(config).not.toContain("10.20.0.5");
    // The camera hub's per-camera series get their camera's site and node.
    expect(config).toContain("regex: front-door|driveway\n        target_label: node\n        replacement: porch");
  });
});

describe("constructs", () => {
  it("fails when Prometheus props are invalid, naming the construct path and values", () => {
    const stack = new HubStack(Testing.app(), "hub", { inventory: exampleInventory() });
    const network = stack.node.findChild("network") as Network;
    const secrets = new SecretVariables(stack, "more-secrets");
    expect(() => new Prometheus(stack, "bad-prometheus", { network, secrets, retentionTime: "30x", retentionSize: "lots", scrapeIntervalSeconds: 0 })).toThrow(
      [
        'hub/bad-prometheus: retentionTime must be a Prometheus duration such as 30s, 15m or 30d, got "30x"',
        'hub/bad-prometheus: retentionSize must be a size such as 512MB or 40GB, got "lots"',
        "hub/bad-prometheus: scrapeIntervalSeconds must be a whole number between 1 and 3600, got 0",
      ].join("\n"),
    );
  });

  it("fails when a scrape job is added twice", () => {
    const stack = new HubStack(Testing.app(), "hub", { inventory: exampleInventory() });
    expect(() => stack.prometheus.addScrapeJob({ name: "loki", targets: [] })).toThrow('hub/prometheus: duplicate scrape job "loki"');
  });
});
