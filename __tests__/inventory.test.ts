import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inventoryJsonSchema } from "../inventory/json-schema";
import { InventoryError, loadInventory, parseInventory } from "../inventory/load";
import { parse } from "yaml";
import { EXAMPLE_FILE, exampleDocument, inventoryFrom, ROOT } from "./support/example";
import { LARGE_HOUSEHOLD_FILE } from "./support/large-household";

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

  it("keeps the first example free of the options beyond one hub (defaults are today's behaviour)", () => {
    const inv = loadInventory(EXAMPLE_FILE);
    expect(inv.hub.remoteWrite).toEqual([]);
    expect(inv.hub.deployment).toBeUndefined();
    expect(inv.hub.alertmanager).toEqual({ replicas: 1 });
    expect(inv.hub.logs).toEqual({ storage: { type: "filesystem" }, mode: "single" });
  });
});

describe("inventory: options beyond one hub", () => {
  const largeDocument = (): Record<string, any> => parse(readFileSync(LARGE_HOUSEHOLD_FILE, "utf8"));
  function problemsOfLarge(change: (doc: Record<string, any>) => void): string[] {
    const doc = largeDocument();
    change(doc);
    try {
      inventoryFrom(doc, "large.yaml");
    } catch (err) {
      expect(err).toBeInstanceOf(InventoryError);
      return (err as InventoryError).problems;
    }
    throw new Error("expected the inventory to be rejected");
  }

  it("loads the large-household example with the queue's documented defaults", () => {
    const inv = loadInventory(LARGE_HOUSEHOLD_FILE);
    expect(inv.hub.remoteWrite[0].queue).toEqual({ capacity: 10000, minShards: 1, maxShards: 50, maxSamplesPerSend: 2000, batchSendDeadline: "5s", minBackoff: "30ms", maxBackoff: "5s", retryOnRateLimit: true });
    expect(inv.hub.alertmanager.peers!.map((p) => [p.host, p.address, p.port, p.clusterPort])).toEqual([
      ["hub", "192.168.1.10", 9093, 9094],
      ["hub", "192.168.1.10", 9193, 9194],
      ["home/garage", "192.168.1.22", 9093, 9094],
    ]);
  });

  it.each([
    ["https://user:secret@mimir.example.net/api/v1/push", /must not contain credentials/],
    ["ftp://mimir.example.net/push", /must use the http:\/\/ or https:\/\/ scheme/],
    // Template syntax and control characters: the text rules every inventory string obeys.
    ["https://mimir.example.net/api/v1/push?tenant=${var.x}", /contains "\$\{", which Terraform would read as an expression/],
    ["https://mimir.example.net/{{ .Tenant }}", /contains "\{\{", which Prometheus and Alertmanager templates would execute/],
    ["https://mimir.example.net/%{x}", /contains "%\{", which Terraform would read as an expression/],
    ["https://mimir.example.net/a b", /must not contain whitespace/],
    ["https://mimir.example.net/\u0007", /contains the control character U\+0007/],
    ["not a url", /must not contain whitespace/],
    ["mimir.example.net/api/v1/push", /must be an http:\/\/ or https:\/\/ URL/],
  ])("refuses the remote write url %j with file:line", (url, message) => {
    expect(problemsOfLarge((d) => (d.hub.remoteWrite[0].url = url))).toEqual([expect.stringMatching(new RegExp(`^large\\.yaml:\\d+:\\d+ hub\\.remoteWrite\\[0\\]\\.url: ${message.source}`))]);
  });

  it("takes secrets only by variable name, and names the auth types", () => {
    expect(problemsOfLarge((d) => (d.hub.remoteWrite[0].auth = { type: "basic", username: "x", password: "hunter2" }))).toEqual(
      expect.arrayContaining([expect.stringMatching(/hub\.remoteWrite\[0\]\.auth\.password: unknown key/), expect.stringMatching(/hub\.remoteWrite\[0\]\.auth\.passwordVariable: is required/)]),
    );
    expect(problemsOfLarge((d) => (d.hub.remoteWrite[1].auth = { type: "oauth2" }))).toEqual([expect.stringMatching(/hub\.remoteWrite\[1\]\.auth\.type: type must be one of the remote write auth types basic, bearer, got "oauth2"$/)]);
    expect(problemsOfLarge((d) => (d.hub.remoteWrite[1].auth.tokenVariable = "Victoria-Token"))).toEqual([expect.stringMatching(/auth\.tokenVariable: must be a Terraform variable name/)]);
  });

  it("refuses headers Prometheus sets itself, and header values with template syntax or line breaks", () => {
    const problems = problemsOfLarge((d) => (d.hub.remoteWrite[0].headers = { Authorization: "Bearer x", "X-Scope-OrgID": "a\nb", "X-Other": "${var.x}" }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/hub\.remoteWrite\[0\]\.headers\.Authorization: is set by Prometheus itself/),
        expect.stringMatching(/hub\.remoteWrite\[0\]\.headers\.X-Scope-OrgID: contains the control character U\+000A/),
        expect.stringMatching(/hub\.remoteWrite\[0\]\.headers\.X-Other: contains "\$\{", which Terraform would read as an expression/),
      ]),
    );
  });

  it("checks queue tuning and write relabelling", () => {
    const problems = problemsOfLarge((d) => {
      d.hub.remoteWrite[0].queue = { minShards: 20, maxShards: 10, batchSendDeadline: "5 seconds" };
      d.hub.remoteWrite[0].writeRelabel = [{ action: "drop", regex: "probe_(" }, { action: "labeldrop", regex: "si.e" }, { action: "labelkeep", sourceLabels: ["x"], regex: "site|node" }];
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/queue\.minShards: must not exceed maxShards \(10\), got 20$/),
        expect.stringMatching(/queue\.batchSendDeadline: must be a Prometheus duration/),
        expect.stringMatching(/writeRelabel\[0\]\.regex: must be a valid regular expression/),
        expect.stringMatching(/writeRelabel\[1\]\.regex: would remove site: samples in the long-term store keep/),
        expect.stringMatching(/writeRelabel\[2\]\.sourceLabels: is not used by labelkeep/),
        expect.stringMatching(/writeRelabel\[2\]\.regex: would remove service/),
      ]),
    );
  });

  it("needs the deployment name with remote write, and unique target names", () => {
    expect(problemsOfLarge((d) => delete d.hub.deployment)).toEqual([expect.stringMatching(/^large\.yaml:\d+:\d+ hub: must name the deployment \(hub\.deployment\)/)]);
    expect(problemsOfLarge((d) => (d.hub.remoteWrite[1].name = "mimir"))).toEqual([expect.stringMatching(/hub\.remoteWrite\[1\]\.name: duplicate remote write target name \(first used at index 0\)/)]);
  });

  it("checks Alertmanager replicas: count, peers, hosts, addresses and ports", () => {
    expect(problemsOfLarge((d) => (d.hub.alertmanager.replicas = 4))).toEqual(expect.arrayContaining([expect.stringMatching(/hub\.alertmanager\.replicas: must be between 1 and 3, got 4$/)]));
    expect(problemsOfLarge((d) => (d.hub.alertmanager.replicas = 2))).toEqual([expect.stringMatching(/hub\.alertmanager\.peers: must list exactly 2 peers, one per replica \(found 3\)/)]);
    expect(problemsOfLarge((d) => delete d.hub.alertmanager.peers)).toEqual([expect.stringMatching(/hub\.alertmanager: must list peers \(3, one per replica/)]);
    const problems = problemsOfLarge((d) => {
      d.hub.alertmanager.peers[0].address = "0.0.0.0";
      d.hub.alertmanager.peers[1] = { host: "hub", address: "192.168.1.10", port: 9094 };
      d.hub.alertmanager.peers[2].host = "home/attic";
      d.hub.publish.alertmanager = { address: "127.0.0.1" };
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/hub\.alertmanager\.peers\[0\]\.address: must be an address of the host .*not 0\.0\.0\.0 or loopback/),
        expect.stringMatching(/hub\.alertmanager\.peers\[2\]\.host: names no edge node of the inventory/),
        expect.stringMatching(/hub\.publish\.alertmanager: is not used with Alertmanager replicas/),
      ]),
    );
    expect(problemsOfLarge((d) => (d.hub.alertmanager.peers[1] = { host: "hub", address: "192.168.1.10", port: 9094 }))).toEqual([
      expect.stringMatching(/hub\.alertmanager\.peers\[1\]\.port: binds 192\.168\.1\.10:9094, already bound by peers\[0\]\.clusterPort/),
      expect.stringMatching(/hub\.alertmanager\.peers\[1\]\.clusterPort: binds 192\.168\.1\.10:9094, already bound by peers\[0\]\.clusterPort/),
    ]);
    expect(problemsOf((d) => (d.hub.alertmanager = { peers: [{ host: "hub", address: "192.168.1.10" }] }))).toEqual([expect.stringMatching(/hub\.alertmanager\.peers: are only used when replicas is 2 or 3/)]);
  });

  it("checks Loki's storage and mode", () => {
    expect(problemsOfLarge((d) => (d.hub.logs.storage = { type: "filesystem" }))).toEqual([expect.stringMatching(/hub\.logs\.mode: scalable needs object storage/)]);
    expect(problemsOfLarge((d) => (d.hub.logs.storage.type = "gcs"))).toContainEqual(expect.stringMatching(/hub\.logs\.storage\.type: type must be one of the log storage types filesystem, s3, got "gcs"$/));
    const problems = problemsOfLarge((d) => {
      Object.assign(d.hub.logs.storage, { endpoint: "https://minio.home.arpa:9000/loki-chunks", bucket: "Loki_Chunks", secretAccessKey: "abc" });
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/hub\.logs\.storage\.endpoint: must be scheme, host and port only/),
        expect.stringMatching(/hub\.logs\.storage\.bucket: must be an S3 bucket name/),
        expect.stringMatching(/hub\.logs\.storage\.secretAccessKey: unknown key/),
      ]),
    );
    expect(problemsOfLarge((d) => (d.hub.logs.storage.endpoint = "https://key:secret@minio.home.arpa:9000"))).toEqual([expect.stringMatching(/hub\.logs\.storage\.endpoint: must not contain credentials/)]);
  });
});

