// Data placement: the inventory's optional host directory per data volume becomes
// a bind-backed Docker volume (local driver, type=none, o=bind, device=PATH) that
// Terraform still manages and still refuses to destroy; without one, a volume is
// exactly the named volume it always was.
import { join } from "node:path";
import { Testing } from "cdktf";
import { Construct } from "constructs";
import { Network } from "@cdktf/provider-docker/lib/network";
import { TerraformStack } from "cdktf";
import { Credentials, Pushgateway, SecretVariables } from "../constructs";
import { bindVolumeOptions } from "../constructs/docker-service";
import { InventoryError, loadInventory } from "../inventory/load";
import type { Inventory } from "../inventory/schema";
import { defineStacks } from "../stacks/app";
import { exampleDocument, exampleInventory, inventoryFrom, ROOT } from "./support/example";

const STORAGE_INVENTORY = join(ROOT, "__tests__", "fixtures", "storage-inventory.yaml");

type Synth = { resource: Record<string, Record<string, any>> };

/** Every stack of the app, synthesized in memory, by name. */
function synthAll(inventory: Inventory): Map<string, Synth> {
  const app = Testing.app();
  const { hub, edges, grafana } = defineStacks(app, inventory, join(ROOT, "dashboards", "imported"));
  return new Map([hub, ...edges, grafana].map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack)) as Synth]));
}

const volumes = (s: Synth): Record<string, Record<string, any>> =>
  Object.fromEntries(Object.entries<Record<string, any>>(s.resource.docker_volume ?? {}).map(([id, v]) => [v.name, { id, ...v }]));
const container = (s: Synth, name: string) => Object.values(s.resource.docker_container).find((c) => c.name === name);

/** The problems reported for a modified example document. */
function problemsOf(change: (doc: Record<string, any>) => void): string[] {
  const doc = exampleDocument();
  change(doc);
  try {
    inventoryFrom(doc, "sites.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(InventoryError);
    return (err as InventoryError).problems;
  }
  throw new Error("expected the inventory to be rejected");
}

describe("data placement", () => {
  describe("an inventory with host paths", () => {
    const stacks = synthAll(loadInventory(STORAGE_INVENTORY));
    const hub = stacks.get("hub")!;

    it.each([
      ["prometheus-data", "/mnt/ssd/prometheus", "prometheus", "/prometheus"],
      ["alertmanager-data", "/mnt/ssd/alertmanager", "alertmanager", "/alertmanager"],
      ["loki-data", "/mnt/ssd/loki", "loki", "/loki"],
      ["grafana-data", "/mnt/ssd/grafana", "grafana", "/var/lib/grafana"],
      ["pushgateway-data", "/mnt/ssd/pushgateway", "pushgateway", "/pushgateway"],
    ])("makes %s a local volume bound to %s, still refused destruction, mounted by %s at %s", (name, path, service, containerPath) => {
      const volume = volumes(hub)[name];
      expect(volume).toEqual({ id: expect.any(String), name, driver: "local", driver_opts: { type: "none", o: "bind", device: path }, lifecycle: { prevent_destroy: true } });
      // The container mounts the Terraform-managed volume (by reference), not the host path itself.
      expect(container(hub, service).volumes).toContainEqual({ volume_name: `\${docker_volume.${volume.id}.name}`, container_path: containerPath });
      expect(container(hub, service).volumes.filter((v: { host_path?: string }) => v.host_path === path)).toEqual([]);
    });

    it("binds the push node's agent WAL to its own directory", () => {
      const lodge = stacks.get("edge-cabin-lodge")!;
      expect(volumes(lodge)["prometheus-agent-wal"]).toMatchObject({ driver: "local", driver_opts: { type: "none", o: "bind", device: "/srv/prometheus-agent" }, lifecycle: { prevent_destroy: true } });
    });

    it("leaves config volumes and volumes without a path as named volumes", () => {
      const bound = Object.values(volumes(hub)).filter((v) => v.driver_opts).map((v) => v.name);
      expect(bound.sort()).toEqual(["alertmanager-data", "grafana-data", "loki-data", "prometheus-data", "pushgateway-data"]);
      expect(Object.values(volumes(stacks.get("edge-home-porch")!)).filter((v) => v.driver !== undefined)).toEqual([]);
    });
  });

  describe("the example inventory (no storage paths)", () => {
    const example = synthAll(exampleInventory());

    it("keeps every data volume the named volume it was: name and prevent_destroy, no driver", () => {
      const data = Object.values(volumes(example.get("hub")!)).filter((v) => v.lifecycle).sort((a, b) => a.name.localeCompare(b.name));
      expect(data.map((v) => ({ ...v, id: undefined }))).toEqual(
        ["alertmanager-data", "grafana-data", "loki-data", "prometheus-data", "promtail-positions", "pushgateway-data"].map((name) => ({ id: undefined, name, lifecycle: { prevent_destroy: true } })),
      );
      for (const [stack, synth] of example)
        for (const v of Object.values(volumes(synth))) expect({ stack, name: v.name, driver: v.driver, opts: v.driver_opts }).toEqual({ stack, name: v.name, driver: undefined, opts: undefined });
    });

    it("synthesizes exactly what an explicitly empty storage section synthesizes", () => {
      const doc = exampleDocument();
      doc.hub.storage = {};
      for (const site of doc.sites) for (const node of site.nodes) node.storage = {};
      const explicit = synthAll(inventoryFrom(doc));
      for (const [stack, synth] of example) expect({ stack, json: explicit.get(stack) }).toEqual({ stack, json: synth });
    });
  });

  describe("validation", () => {
    it.each([
      ["mnt/ssd/prometheus", "must be an absolute path (starting with /)"],
      ["/mnt/ssd/../etc", "must not contain .. segments"],
      // Control characters: the text rules every inventory string obeys.
      ["/mnt/ssd/prom\netheus", "contains the control character U+000A: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters)"],
      ["/mnt/ssd/prometheus/", "must be written plainly: no trailing /, no // and no . segments"],
      ["/mnt//ssd", "must be written plainly: no trailing /, no // and no . segments"],
      ["/", "must not be the root directory"],
    ])("fails when a host path is %j", (path, message) => {
      expect(problemsOf((d) => (d.hub.storage = { prometheus: path }))).toEqual([expect.stringMatching(new RegExp(`^sites\\.yaml:\\d+:\\d+ hub\\.storage\\.prometheus: ${message.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}, got `))]);
    });

    it("fails when two volumes share a directory, or one sits inside another, naming both", () => {
      const problems = problemsOf((d) => (d.hub.storage = { prometheus: "/mnt/ssd/data", loki: "/mnt/ssd/data", grafana: "/mnt/ssd/data/grafana" }));
      expect(problems).toEqual([
        expect.stringMatching(/hub\.storage\.loki: is also the directory of prometheus: two volumes on one path would mix their data, got "\/mnt\/ssd\/data"$/),
        expect.stringMatching(/hub\.storage\.grafana: overlaps prometheus \(\/mnt\/ssd\/data\): .*got "\/mnt\/ssd\/data\/grafana"$/),
        expect.stringMatching(/hub\.storage\.grafana: overlaps loki \(\/mnt\/ssd\/data\): .*got "\/mnt\/ssd\/data\/grafana"$/),
      ]);
    });

    it("fails when a storage key is not a data volume, or a pull node sets an agent WAL", () => {
      expect(problemsOf((d) => (d.hub.storage = { blackbox: "/mnt/x" }))).toEqual([expect.stringMatching(/hub\.storage\.blackbox: unknown key/)]);
      expect(problemsOf((d) => (d.sites[0].nodes[0].storage = { agentWal: "/srv/wal" }))).toEqual([
        expect.stringMatching(/sites\[0\]\.nodes\[0\]\.storage\.agentWal: is only used on push sites \(pull nodes run no Prometheus agent\), got "\/srv\/wal"$/),
      ]);
    });

    it("accepts a push node's WAL path and defaults storage to empty", () => {
      const doc = exampleDocument();
      doc.sites[1].nodes[0].storage = { agentWal: "/srv/wal" };
      const inv = inventoryFrom(doc);
      expect(inv.sites[1].nodes[0].storage).toEqual({ agentWal: "/srv/wal" });
      expect(inv.sites[0].nodes[0].storage).toEqual({});
      expect(inv.hub.storage).toEqual({});
    });
  });

  describe("constructs", () => {
    function hubContext() {
      const stack = new TerraformStack(Testing.app(), "hub");
      const network = new Network(stack, "network", { name: "observability" });
      const credentials = new Credentials(stack, "credentials", { hosts: [{ host: "hub", dnsNames: ["pushgateway"], ipAddresses: [] }], passwordIdentities: ["operator", "prometheus"] });
      return { scope: stack as Construct, context: { network, secrets: new SecretVariables(stack, "secrets"), credentials } };
    }
    const access = { tlsHost: "hub", users: ["operator", "prometheus"] };

    it("fails when a data volume's host path is not absolute, naming the construct and the value", () => {
      const { scope, context } = hubContext();
      expect(() => new Pushgateway(scope, "pushgateway", { ...context, access, dataHostPath: "data/pushgateway" })).toThrow(
        'hub/pushgateway/service: dataVolumes[0].hostPath must be an absolute path (starting with /), got "data/pushgateway"',
      );
    });

    it("fails when two services of one host put their volumes on one directory", () => {
      const { scope, context } = hubContext();
      new Pushgateway(scope, "pushgateway", { ...context, access, dataHostPath: "/mnt/ssd" });
      expect(() => new Pushgateway(scope, "pushgateway-2", { ...context, access, dataHostPath: "/mnt/ssd/inner" })).toThrow(
        'hub/pushgateway-2/service: dataVolumes[0].hostPath overlaps the directory of volume pushgateway-data (/mnt/ssd) on the same host, got "/mnt/ssd/inner"',
      );
    });

    it("binds with the local driver's documented options", () => {
      expect(bindVolumeOptions("/mnt/ssd/x")).toEqual({ driver: "local", driverOpts: { type: "none", o: "bind", device: "/mnt/ssd/x" } });
    });
  });
});
