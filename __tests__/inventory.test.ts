import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inventoryJsonSchema } from "../inventory/json-schema";
import { InventoryError, loadInventory, parseInventory } from "../inventory/load";
import { EXAMPLE_FILE, exampleDocument, inventoryFrom, ROOT } from "./support/example";

/** The problems reported for a modified example document. */
function problemsOf(change: (doc: Record<string, any>) => void, name = "sites.yaml"): string[] {
  const doc = exampleDocument();
  change(doc);
  try {
    inventoryFrom(doc, name);
  } catch (err) {
    expect(err).toBeInstanceOf(InventoryError);
    return (err as InventoryError).problems;
  }
  throw new Error("expected the inventory to be rejected");
}

describe("inventory", () => {
  it("loads the example with defaults applied", () => {
    const inv = loadInventory(EXAMPLE_FILE);
    expect(inv.sites.map((s) => [s.name, s.mode, s.nodes.length])).toEqual([
      ["home", "pull", 2],
      ["cabin", "push", 1],
    ]);
    expect(inv.sites.flatMap((s) => s.nodes.flatMap((n) => n.cameras))).toHaveLength(5);
    expect(inv.sites[1].nodes[0].logAgent).toBe("promtail"); // default
    expect(inv.hub.retention).toEqual({ metrics: "30d", metricsSize: "40GB", logs: "31d" });
  });

  it("fails when a key is unknown, naming file, line, path and value", () => {
    expect(problemsOf((d) => (d.hub.retentoin = "30d"))).toEqual([expect.stringMatching(/^sites\.yaml:\d+:\d+ hub\.retentoin: unknown key/)]);
  });

  it("fails when a site name is used twice", () => {
    expect(problemsOf((d) => (d.sites[1].name = "home"))).toContainEqual(expect.stringMatching(/sites\[1\]\.name: duplicate site name \(first used at index 0\), got "home"$/));
  });

  it("fails when a node name is used twice in a site", () => {
    expect(problemsOf((d) => (d.sites[0].nodes[1].name = "porch"))).toContainEqual(
      expect.stringMatching(/sites\[0\]\.nodes\[1\]\.name: duplicate node name in site home .*got "porch"$/),
    );
  });

  it("fails when a camera name is used twice, even on another site", () => {
    expect(problemsOf((d) => (d.sites[0].nodes[1].cameras[0].name = "front-door"))).toContainEqual(
      expect.stringMatching(/sites\[0\]\.nodes\[1\]\.cameras\[0\]\.name: duplicate camera name \(also on site home node porch\), got "front-door"$/),
    );
    expect(problemsOf((d) => (d.sites[1].nodes[0].cameras[0].name = "driveway"))).toContainEqual(
      expect.stringMatching(/sites\[1\]\.nodes\[0\]\.cameras\[0\]\.name: duplicate camera name \(also on site home node porch\), got "driveway"$/),
    );
  });

  it("fails when a sensor name is used twice, even on another site", () => {
    expect(problemsOf((d) => (d.sites[1].nodes[0].sensors[0].name = "porch-temperature"))).toContainEqual(
      expect.stringMatching(/sites\[1\]\.nodes\[0\]\.sensors\[0\]\.name: duplicate sensor name \(also on site home node porch\), got "porch-temperature"$/),
    );
  });

  it("fails when two site/node pairs give the same stack name", () => {
    const problems = problemsOf((d) => {
      d.sites[0].name = "home-a";
      d.sites[0].nodes[0].name = "b";
      d.sites[1].name = "home";
      d.sites[1].nodes[0].name = "a-b";
    });
    expect(problems).toContainEqual(expect.stringMatching(/sites\[1\]\.nodes\[0\]\.name: gives stack name edge-home-a-b, already used by site home-a node b/));
  });

  it("fails when a name is not a valid Terraform/Docker/label name", () => {
    expect(problemsOf((d) => (d.sites[0].nodes[0].name = "Porch_1"))).toContainEqual(
      expect.stringMatching(/sites\[0\]\.nodes\[0\]\.name: node name must be 1-32 lowercase letters.*got "Porch_1"$/),
    );
  });

  it("fails when a duration is malformed", () => {
    expect(problemsOf((d) => (d.sites[0].nodes[0].sensors[0].staleAfter = "10 minutes"))).toContainEqual(
      expect.stringMatching(/sites\[0\]\.nodes\[0\]\.sensors\[0\]\.staleAfter: must be a Prometheus duration .*got "10 minutes"$/),
    );
  });

  it("fails when a port is out of range", () => {
    expect(problemsOf((d) => (d.sites[0].nodes[0].cameras[1].port = 70000))).toContainEqual(
      expect.stringMatching(/sites\[0\]\.nodes\[0\]\.cameras\[1\]\.port: must be a whole number between 1 and 65535, got 70000$/),
    );
  });

  it("fails when an ssh:// Docker host does not parse", () => {
    const problems = problemsOf((d) => {
      d.hub.dockerHost = "tcp://hub:2375";
      d.sites[0].nodes[0].dockerHost = "ssh://pi@porch home";
    });
    expect(problems).toContainEqual(expect.stringMatching(/hub\.dockerHost: must use the ssh:\/\/ scheme, as in ssh:\/\/user@host, got "tcp:\/\/hub:2375"$/));
    expect(problems).toContainEqual(expect.stringMatching(/sites\[0\]\.nodes\[0\]\.dockerHost: host must be an IPv4 address .* or a host name .*, got "ssh:\/\/pi@porch home"$/));
  });

  it("fails when a route names a receiver nobody defines", () => {
    const problems = problemsOf((d) => {
      d.alerting.routes.warning = ["email", "slack"];
      d.alerting.heartbeat = "deadmanssnitch";
    });
    expect(problems).toContainEqual(expect.stringMatching(/alerting\.routes\.warning\[1\]: names a receiver that is not defined in alerting\.receivers, got "slack"$/));
    expect(problems).toContainEqual(expect.stringMatching(/alerting\.heartbeat: names a receiver that is not defined.*got "deadmanssnitch"$/));
  });

  it("fails when a maintenance window is malformed", () => {
    const problems = problemsOf((d) => (d.sites[1].maintenance = [{ weekdays: ["sunday", "funday"], start: "05:00", end: "04:30", location: "Mars/Olympus" }]));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/sites\[1\]\.maintenance\[0\]\.weekdays\[1\]: must be a weekday or a range such as monday:friday \(lowercase\), got "funday"$/),
        expect.stringMatching(/sites\[1\]\.maintenance\[0\]\.end: must be after start \(05:00\), got "04:30"$/),
        expect.stringMatching(/sites\[1\]\.maintenance\[0\]\.location: must be an IANA time zone spelled exactly, such as Europe\/Berlin or UTC, got "Mars\/Olympus"$/),
      ]),
    );
  });

  it("fails when an image floats on latest", () => {
    expect(problemsOf((d) => (d.edgeAgent.image = "ghcr.io/home-ops/edge-agent:latest"))).toContainEqual(
      expect.stringMatching(/edgeAgent\.image: must not use the floating tag 'latest'/),
    );
  });

  it("fails with every problem at once, each with its line", () => {
    const problems = problemsOf((d) => {
      d.sites[1].name = "home";
      d.sites[0].mode = "poll";
      d.hub.retention.logs = "36h";
      delete d.hub.address;
    });
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sites\.yaml:\d+:\d+ hub\.address: is required$/),
        expect.stringMatching(/hub\.retention\.logs: must be whole days .*got "36h"$/),
        expect.stringMatching(/sites\[0\]\.mode: Invalid option: expected one of "pull"\|"push", got "poll"$/),
        expect.stringMatching(/sites\[1\]\.name: duplicate site name/),
      ]),
    );
  });

  it("fails when the YAML itself is broken, with its line", () => {
    expect(() => parseInventory("hub:\n  address: [1\n", "broken.yaml")).toThrow(/broken\.yaml:\d+:\d+ /);
    expect(() => parseInventory("hub: {}\nhub: {}\n", "twice.yaml")).toThrow(/twice\.yaml:2:1 a key appears twice in the same mapping; keep one/);
  });

  it("fails when the file is missing, naming it", () => {
    expect(() => loadInventory("/nonexistent/sites.yaml")).toThrow(/\/nonexistent\/sites\.yaml: [\s\S]*cannot read the file/);
  });

  it("points every reported line at the bad value in the file", () => {
    const text = readFileSync(EXAMPLE_FILE, "utf8").replace("staleAfter: 10m", "staleAfter: 10x");
    try {
      parseInventory(text, "sites.yaml");
      throw new Error("expected rejection");
    } catch (err) {
      const [problem] = (err as InventoryError).problems;
      const [, line, col] = /^sites\.yaml:(\d+):(\d+) /.exec(problem)!;
      expect(text.split("\n")[Number(line) - 1].slice(Number(col) - 1)).toMatch(/^10x/);
    }
  });

  it("keeps the committed JSON Schema in step with the schema (run npm run synth)", () => {
    expect(readFileSync(join(ROOT, "inventory", "inventory.schema.json"), "utf8")).toBe(inventoryJsonSchema());
  });
});
