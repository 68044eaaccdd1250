// Which checks run for which stack: derived from the inventory like the stacks.
import { checksFor, selectStacks, servicesFor, stackNames } from "../../scripts/verify/plan";
import { exampleDocument, exampleInventory, inventoryFrom } from "../support/example";

describe("verify: plan", () => {
  const inventory = exampleInventory();

  it("knows every stack, in deploy order", () => {
    expect(stackNames(inventory)).toEqual(["hub", "edge-home-porch", "edge-home-garage", "edge-cabin-lodge", "grafana"]);
  });

  it("selects stacks by name or glob, as npm run deploy takes them; none means all", () => {
    expect(selectStacks(inventory, [])).toEqual(stackNames(inventory));
    expect(selectStacks(inventory, ["hub"])).toEqual(["hub"]);
    expect(selectStacks(inventory, ["edge-*", "hub"])).toEqual(["hub", "edge-home-porch", "edge-home-garage", "edge-cabin-lodge"]);
    expect(selectStacks(inventory, ["edge-home-?orch"])).toEqual(["edge-home-porch"]);
  });

  it("fails when a name matches no stack, listing them", () => {
    expect(() => selectStacks(inventory, ["edge-barn-*"])).toThrow('no stack matches "edge-barn-*"; the stacks are hub, edge-home-porch, edge-home-garage, edge-cabin-lodge, grafana');
  });

  it("checks the hub's services, each pull node's targets, each push node's remote write, every node's certificate, Grafana's datasources", () => {
    const names = checksFor(inventory, stackNames(inventory)).map((c) => `${c.stack} ${c.name}`);
    expect(names).toEqual([
      "hub prometheus",
      "hub targets",
      "hub rules",
      "hub alertmanager",
      "hub watchdog",
      "hub heartbeat",
      "hub notifications",
      "hub loki",
      "hub loki push+query",
      "hub loki rules",
      "hub certificates",
      "edge-home-porch targets",
      "edge-home-porch certificate",
      "edge-home-garage targets",
      "edge-home-garage certificate",
      "edge-cabin-lodge targets",
      "edge-cabin-lodge remote write",
      "edge-cabin-lodge certificate",
      "grafana datasources",
    ]);
    expect(checksFor(inventory, ["edge-cabin-lodge"]).map((c) => c.name)).toEqual(["targets", "remote write", "certificate"]);
  });

  it("grows with the inventory: a new site's node gets its own checks", () => {
    const doc = exampleDocument();
    doc.sites.push({ name: "barn", mode: "push", nodes: [{ name: "loft", dockerHost: "ssh://pi@barn-loft.home.arpa", address: "192.168.1.40" }] });
    const inv = inventoryFrom(doc);
    expect(checksFor(inv, selectStacks(inv, ["edge-barn-*"])).map((c) => `${c.stack} ${c.name}`)).toEqual(["edge-barn-loft targets", "edge-barn-loft remote write", "edge-barn-loft certificate"]);
  });

  it("asks for the hub services the selected stacks use, so tunnels open only for those", () => {
    expect(servicesFor(["grafana"])).toEqual(["grafana"]);
    expect(servicesFor(["edge-cabin-lodge"])).toEqual(["prometheus"]);
    expect(servicesFor(["hub"]).sort()).toEqual(["alertmanager", "grafana", "loki", "nodeExporter", "prometheus", "pushgateway"]);
  });
});
