import { Container } from "@cdktf/provider-docker/lib/container";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Testing } from "cdktf";
import { Prometheus, SecretVariables } from "../constructs";
import { HubStack } from "../stacks/hub-stack";
import { defineStacks } from "../stacks/app";
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

/** A service's uploaded files at their paths in the service: directly, or through its config loader. */
function filesOf(parsed: Synth, name: string): { file: string; content: string }[] {
  const service = container(parsed, name);
  if (service.upload) return service.upload;
  const configMount = (service.volumes as { container_path: string; read_only?: boolean; volume_name?: string }[]).find((v) => v.read_only && v.volume_name?.includes("config-volume"))!;
  return container(parsed, `${name}-config-loader`).upload.map((u: { file: string; content: string }) => ({ ...u, file: u.file.replace(/^\/staging/, configMount.container_path) }));
}

const services = (parsed: Synth) => Object.values(parsed.resource.docker_container).filter((c) => !c.name.endsWith("-config-loader"));

describe("hub stack", () => {
  const { json, parsed } = synthHub();

  it("talks to the hub's Docker host over SSH", () => {
    expect(json).toHaveProviderWithProperties(DockerProvider, { host: "ssh://ops@hub.home.arpa" });
  });

  it("runs every hub service on one network with the house defaults", () => {
    expect(json).toHaveResourceWithProperties(Network, { name: "observability" });
    const names = services(parsed).map((c) => c.name).sort();
    expect(names).toEqual(["alertmanager", "blackbox-exporter", "cadvisor", "grafana", "loki", "loki-gateway", "nest", "node-exporter", "petcube", "prometheus", "promtail", "pushgateway", "ring", "tapo-camera-mcp"]);
    // Every service has a healthcheck the apply waits for, except the connectors
    // (the operator's images: their own HEALTHCHECK applies). Checks behind a web
    // config carry no credential: they want the 401.
    const unprobed = ["nest", "petcube", "ring"];
    for (const c of services(parsed)) {
      expect({ name: c.name, restart: c.restart, logDriver: c.log_driver, hasMemory: c.memory > 0 }).toEqual({ name: c.name, restart: "unless-stopped", logDriver: "json-file", hasMemory: true });
      expect(c.log_opts).toEqual({ "max-size": "10m", "max-file": "5" });
      const probed = !unprobed.includes(c.name);
      expect({ name: c.name, probed: c.healthcheck?.test[0] === "CMD", wait: c.wait ?? false }).toEqual({ name: c.name, probed, wait: probed });
      if (probed) expect({ name: c.name, waitTimeout: c.wait_timeout, grace: c.destroy_grace_seconds }).toEqual({ name: c.name, waitTimeout: 60, grace: c.stop_timeout });
      expect({ name: c.name, secretInCheck: /password|Authorization|credentials/i.test(JSON.stringify(c.healthcheck ?? {})) }).toEqual({ name: c.name, secretInCheck: false });
    }
  });

  it("hardens every container: no new privileges, no capabilities but the needed ones, read-only roots with a loader for configs", () => {
    for (const c of Object.values(parsed.resource.docker_container)) {
      expect({ name: c.name, opts: c.security_opts, drop: c.capabilities?.drop }).toEqual({ name: c.name, opts: ["no-new-privileges:true"], drop: ["ALL"] });
    }
    expect(container(parsed, "promtail").capabilities.add).toEqual(["DAC_OVERRIDE"]);
    // The hub's blackbox_exporter probes only its own certificate (TCP): no NET_RAW.
    expect(container(parsed, "blackbox-exporter").capabilities.add).toBeUndefined();
    const readOnly = services(parsed).filter((c) => c.read_only).map((c) => c.name).sort();
    expect(readOnly).toEqual(["alertmanager", "blackbox-exporter", "grafana", "loki", "loki-gateway", "node-exporter", "prometheus", "promtail", "pushgateway"]);
    for (const name of readOnly) {
      const service = container(parsed, name);
      const loader = container(parsed, `${name}-config-loader`);
      expect(service.upload).toBeUndefined();
      expect(loader).toMatchObject({ attach: true, must_run: false, network_mode: "none" });
      // The provider ignores an attached container's exit code; the apply fails on a failed copy.
      expect(loader.lifecycle.postcondition).toEqual([{ condition: "${self.exit_code == 0}", error_message: expect.stringContaining(`${name}-config-loader failed`) }]);
      // The service is replaced whenever its loader is (new files), by a bare address Terraform accepts.
      expect(service.lifecycle.replace_triggered_by).toEqual([expect.stringMatching(/^docker_container\.[A-Za-z0-9_-]+$/)]);
      expect(service.depends_on).toEqual(service.lifecycle.replace_triggered_by);
    }
  });

  it("keeps today's single Alertmanager and Loki by default: no gossip listener, no replica, no route out for Loki", () => {
    const am = container(parsed, "alertmanager");
    expect(am.command).toContain("--cluster.listen-address=");
    expect(am.command.filter((a: string) => a.startsWith("--cluster.") && a !== "--cluster.listen-address=")).toEqual([]);
    expect(am.network_mode).toBeUndefined();
    expect(services(parsed).filter((c) => /^alertmanager-\d|^loki-(write|read|backend)$/.test(c.name))).toEqual([]);
    expect(Object.values(parsed.resource.docker_network).map((n) => n.name).sort()).toEqual(["observability", "observability-loki"]);
    expect(container(parsed, "loki").command).toEqual(["-config.file=/etc/loki/loki.yaml"]);
  });

  it("keeps Loki on an internal network behind the TLS gateway", () => {
    const loki = container(parsed, "loki");
    expect(loki.ports ?? []).toEqual([]);
    expect(loki.networks_advanced).toHaveLength(1);
    const internal = Object.values(parsed.resource.docker_network).find((n) => n.name === "observability-loki");
    // No IPv4 address on the host bridge: the host does not answer on Loki's network (Docker tier checks it).
    expect(internal).toMatchObject({ internal: true, options: { "com.docker.network.bridge.inhibit_ipv4": "true" } });
    expect(loki.networks_advanced[0].name).toContain("loki-network");
    const gateway = container(parsed, "loki-gateway");
    expect(gateway.ports).toEqual([{ internal: 3100, external: 3100, ip: "192.168.1.10", protocol: "tcp" }]);
    const nginx = filesOf(parsed, "loki-gateway").find((f) => f.file.endsWith("nginx.conf"))!.content;
    expect(nginx).toContain("ssl_verify_client on;");
    expect(nginx).toContain("location = /loki/api/v1/push {");
    for (const host of ["hub", "edge-home-porch", "edge-home-garage", "edge-cabin-lodge"]) expect(nginx).toContain(`"${host}" 1;`);
  });

  it("keeps every data volume from being destroyed", () => {
    // Config volumes are refilled by their loader on every change; data volumes are never destroyed.
    const volumes = Object.values(parsed.resource.docker_volume).filter((v) => !v.name.endsWith("-config"));
    expect(volumes.map((v) => v.name).sort()).toEqual(["alertmanager-data", "grafana-data", "loki-data", "prometheus-data", "promtail-positions", "pushgateway-data"]);
    for (const v of volumes) expect(v.lifecycle).toEqual({ prevent_destroy: true });
    expect(json).toHaveResourceWithProperties(Volume, { name: "prometheus-data", lifecycle: { prevent_destroy: true } });
  });

  it("ships the hub's own container logs (connectors included) to Loki on the hub network", () => {
    const promtail = container(parsed, "promtail");
    const config = filesOf(parsed, "promtail").find((f) => f.file.endsWith("promtail.yaml"))!.content;
    expect(config).toContain("url: https://loki-gateway:3100/loki/api/v1/push");
    expect(config).toContain("cert_file: /etc/promtail/tls/client-cert.pem");
    expect(config).toContain("site: hub");
    expect(config).toContain("job_name: containers");
    expect(config).not.toContain("job_name: edge-agent");
    expect(promtail.ports ?? []).toEqual([]);
  });

  it("publishes ports only where the inventory says", () => {
    expect(container(parsed, "alertmanager").ports).toEqual([{ internal: 9093, external: 9093, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(container(parsed, "grafana").ports).toEqual([{ internal: 3000, external: 3000, ip: "192.168.1.10", protocol: "tcp" }]);

    // Only what edges and the grafana stack need stays published: Loki's gateway, Prometheus, Grafana.
    const doc = exampleDocument();
    doc.hub.publish = { loki: doc.hub.publish.loki, prometheus: doc.hub.publish.prometheus, grafana: doc.hub.publish.grafana };
    const closed = synthHub(inventoryFrom(doc)).parsed;
    const published = Object.values(closed.resource.docker_container).filter((c) => (c.ports ?? []).length > 0).map((c) => c.name).sort();
    expect(published).toEqual(["grafana", "loki-gateway", "prometheus"]);
  });

  it("runs Prometheus with retention, a web config, remote write for push sites, and neither lifecycle nor admin API", () => {
    expect(json).toHaveResourceWithProperties(Container, {
      name: "prometheus",
      command: expect.arrayContaining([
        "--storage.tsdb.retention.time=30d",
        "--storage.tsdb.retention.size=40GB",
        "--web.config.file=/etc/prometheus/web.yml",
        "--web.enable-remote-write-receiver",
      ]),
    });
    const command: string[] = container(parsed, "prometheus").command;
    expect(command.filter((c) => /lifecycle|admin-api/.test(c))).toEqual([]);
    const doc = exampleDocument();
    doc.sites = doc.sites.filter((s: { mode: string }) => s.mode === "pull");
    expect(container(synthHub(inventoryFrom(doc)).parsed, "prometheus").command).not.toContain("--web.enable-remote-write-receiver");
  });

  it("turns Alertmanager's cluster listener off", () => {
    expect(container(parsed, "alertmanager").command).toContain("--cluster.listen-address=");
  });

  it("uploads configs with Terraform syntax escaped and secrets as sensitive variables", () => {
    const uploads = filesOf(parsed, "alertmanager");
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
    expect(filesOf(parsed, "grafana").find((u) => u.file.endsWith("/grafana_admin_password"))!.content).toBe("${var.grafana_admin_password}");
  });

  it("scrapes what it runs; pull nodes add theirs from their own stacks", () => {
    const alone = filesOf(parsed, "prometheus").find((u) => u.file === "/etc/prometheus/prometheus.yml")!.content;
    expect(alone).not.toContain("192.168.1.21:9100");
    const app = Testing.app();
    const { hub } = defineStacks(app, exampleInventory());
    const config = filesOf(JSON.parse(Testing.synth(hub)), "prometheus").find((u) => u.file === "/etc/prometheus/prometheus.yml")!.content;
    expect(config).toContain("192.168.1.21:9100");
    // The edge agent is behind the node's metrics gateway.
    expect(config).toContain("192.168.1.22:9443");
    expect(config).toContain("__metrics_path__: /edge-agent/metrics");
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
    const security = { credentials: stack.credentials, access: { users: ["operator"] }, clientIdentity: { username: "prometheus" } };
    expect(() => new Prometheus(stack, "bad-prometheus", { network, secrets, ...security, retentionTime: "30x", retentionSize: "lots", scrapeIntervalSeconds: 0 })).toThrow(
      [
        'hub/bad-prometheus: retentionTime must be a Prometheus duration such as 30s, 15m, 2h or 30d (units y w d h m s ms, largest first, at most 292y), got "30x"',
        'hub/bad-prometheus: retentionSize must be a size such as 512MB or 40GB (units B KB MB GB TB PB EB, at most 7EB), got "lots"',
        "hub/bad-prometheus: scrapeIntervalSeconds must be a whole number between 1 and 3600, got 0",
      ].join("\n"),
    );
  });

  it("fails when a scrape job is added twice", () => {
    const stack = new HubStack(Testing.app(), "hub", { inventory: exampleInventory() });
    expect(() => stack.prometheus.addScrapeJob({ name: "loki", targets: [] })).toThrow('hub/prometheus: duplicate scrape job "loki"');
  });
});
