// Malformed and hostile inventories (support/hostile-inventories.ts), each with the
// exact problems the synth prints. Refused at validation, or where the resources
// are made (the hub's registry); either way nothing is written.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InventoryError, parseInventory } from "../inventory/load";
import { synthApp } from "../stacks/synth-app";
import { HOSTILE_CASES } from "./support/hostile-inventories";

const EXPECTED: Record<string, string[]> = {
  "placeholder in a camera path": [
    "inventory.yaml:40:19 sites[0].nodes[0].cameras[0].path: contains \"${\", which Terraform would read as an expression: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"/onvif/${password.operator}\"",
  ],
  "placeholder in an SMTP username": [
    "inventory.yaml:116:17 alerting.receivers[3].username: contains \"${\", which Terraform would read as an expression: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"${password.operator}\"",
  ],
  "TLS key placeholder in a camera path": [
    "inventory.yaml:40:19 sites[0].nodes[0].cameras[0].path: contains \"${\", which Terraform would read as an expression: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"/x/${tls.hub.key}\"",
  ],
  "variable placeholder in a node address": [
    "inventory.yaml:33:18 sites[0].nodes[0].address: contains \"${\", which Terraform would read as an expression: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"${var.smtp_password}\"",
  ],
  "bcrypt placeholder in a sensor kind": [
    "inventory.yaml:47:19 sites[0].nodes[0].sensors[0].kind: contains \"${\", which Terraform would read as an expression: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"${bcrypt.operator}\"",
  ],
  "Terraform expression in dockerHost": [
    "inventory.yaml:2:15 hub.dockerHost: contains \"${\", which Terraform would read as an expression: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"ssh://ops@hub${path.cwd}\"",
  ],
  "Terraform directive in dockerHost": [
    "inventory.yaml:2:15 hub.dockerHost: contains \"%{\", which Terraform would read as an expression: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"ssh://ops@hub%{endif}\"",
  ],
  "Terraform expression in a connector image": [
    "inventory.yaml:90:12 connectors[0].image: contains \"${\", which Terraform would read as an expression: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"ghcr.io/x/${var.y}:1\"",
  ],
  "Terraform expression in a route": [
    "inventory.yaml:126:9 alerting.routes.critical[0]: contains \"${\", which Terraform would read as an expression: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"${file(\\\"/etc/passwd\\\")}\"",
  ],
  "Go template in the runbook URL": [
    "inventory.yaml:133:15 alerting.runbookUrl: contains \"{{\", which Prometheus and Alertmanager templates would execute: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"https://git.example/{{ with query \\\"up\\\" }}{{ . }}{{ end }}\"",
  ],
  "Go template in an email address": [
    "inventory.yaml:113:11 alerting.receivers[3].to: contains \"{{\", which Prometheus and Alertmanager templates would execute: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"{{ .CommonLabels.x }}@home.example\"",
  ],
  "Go template in the heartbeat receiver": [
    "inventory.yaml:132:14 alerting.heartbeat: contains \"{{\", which Prometheus and Alertmanager templates would execute: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"{{ template \\\"x\\\" }}\"",
  ],
  "closing template braces in a maintenance zone": [
    "inventory.yaml:75:19 sites[1].maintenance[0].location: contains \"}}\", which Prometheus and Alertmanager templates would execute: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"Europe/Oslo}}\"",
  ],
  "newline in an HTTP probe path": [
    "inventory.yaml:40:19 sites[0].nodes[0].cameras[0].path: contains the control character U+000A: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"/a\\nb: c\"",
  ],
  "quote in an HTTP probe path": [
    "inventory.yaml:40:19 sites[0].nodes[0].cameras[0].path: must be an HTTP path such as /onvif/device_service: starting with /, then letters, digits and - . _ ~ ! $ & ( ) * + , ; = : @ / ? or %XX escapes, got \"/a\\\"b\"",
  ],
  "space in an HTTP probe path": [
    "inventory.yaml:40:19 sites[0].nodes[0].cameras[0].path: must be an HTTP path such as /onvif/device_service: starting with /, then letters, digits and - . _ ~ ! $ & ( ) * + , ; = : @ / ? or %XX escapes, got \"/a b\"",
  ],
  "bad percent escape in an HTTP probe path": [
    "inventory.yaml:40:19 sites[0].nodes[0].cameras[0].path: must be an HTTP path such as /onvif/device_service: starting with /, then letters, digits and - . _ ~ ! $ & ( ) * + , ; = : @ / ? or %XX escapes, got \"/a%zz\"",
  ],
  "newline in an SMTP username": [
    "inventory.yaml:116:17 alerting.receivers[3].username: contains the control character U+000A: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"ops\\nRCPT TO:<x@y>\"",
  ],
  "quote in an SMTP username": [
    "inventory.yaml:116:17 alerting.receivers[3].username: must be 1-256 letters, digits or . _ % + - @ = ! # & * ~ ^ | / : (no spaces or quotes), got \"ops\\\"x\"",
  ],
  "newline in dockerHost": [
    "inventory.yaml:2:15 hub.dockerHost: contains the control character U+000A: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"ssh://ops@hub\\n-oProxyCommand=x\"",
  ],
  "NUL in a site name": [
    "inventory.yaml:28:11 sites[0].name: contains the control character U+0000: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"ho\\u0000me\"",
  ],
  "right-to-left override in an SMTP username": [
    "inventory.yaml:116:17 alerting.receivers[3].username: contains the invisible or private-use character U+202E: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"ops\\u202eexample\"",
  ],
  "private-use character in the runbook URL": [
    "inventory.yaml:133:15 alerting.runbookUrl: contains the invisible or private-use character U+E000: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"https://git.example/\\ue000password.operator\\ue001\"",
  ],
  "zero-width space in a camera name": [
    "inventory.yaml:36:19 sites[0].nodes[0].cameras[0].name: contains the invisible or private-use character U+200B: inventory text must be plain (no ${, %{, {{, }}, control or invisible characters), got \"front\\u200bdoor\"",
  ],
  "very long SMTP username": [
    "inventory.yaml:116:17 alerting.receivers[3].username: is 2000 characters long; at most 1024 are allowed, got \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...",
  ],
  "duration beyond Prometheus's range": [
    "inventory.yaml:48:25 sites[0].nodes[0].sensors[0].staleAfter: is beyond Prometheus's range of durations (at most 292y), got \"99999999999999999999d\"",
  ],
  "retention of 1000 years": [
    "inventory.yaml:5:14 hub.retention.metrics: is beyond Prometheus's range of durations (at most 292y), got \"1000y\"",
  ],
  "retention size beyond 64 bits": [
    "inventory.yaml:6:18 hub.retention.metricsSize: is beyond Prometheus's range of sizes (at most 7EB), got \"9999999999EB\"",
  ],
  "zero duration": [
    "inventory.yaml:48:25 sites[0].nodes[0].sensors[0].staleAfter: must be a non-zero duration, got \"0s\"",
  ],
  "empty duration": [
    "inventory.yaml:48:25 sites[0].nodes[0].sensors[0].staleAfter: must be a Prometheus duration such as 30s, 15m, 2h or 30d (units y w d h m s ms, largest first, at most 292y), got \"\"",
  ],
  "duration units out of order": [
    "inventory.yaml:48:25 sites[0].nodes[0].sensors[0].staleAfter: must be a Prometheus duration such as 30s, 15m, 2h or 30d (units y w d h m s ms, largest first, at most 292y), got \"5m30h\"",
  ],
  "log retention not in whole days": [
    "inventory.yaml:7:11 hub.retention.logs: must be whole days (d or w) because Loki's index period is 24h, got \"36h\"",
  ],
  "variable named count": [
    "inventory.yaml:117:25 alerting.receivers[3].passwordVariable: is a name Terraform reserves (count, depends_on, for_each, lifecycle, locals, providers, source, version): choose another variable name, got \"count\"",
  ],
  "variable named for_each": [
    "inventory.yaml:103:20 alerting.receivers[0].urlVariable: is a name Terraform reserves (count, depends_on, for_each, lifecycle, locals, providers, source, version): choose another variable name, got \"for_each\"",
  ],
  "variable name of 64 characters": [
    "inventory.yaml:103:20 alerting.receivers[0].urlVariable: must be a Terraform variable name: 1-63 lowercase letters, digits and underscores, starting with a letter, and not one Terraform reserves (count, depends_on, for_each, lifecycle, locals, providers, source, version), got \"vxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"",
  ],
  "variable name with a hyphen": [
    "inventory.yaml:103:20 alerting.receivers[0].urlVariable: must be a Terraform variable name: 1-63 lowercase letters, digits and underscores, starting with a letter, and not one Terraform reserves (count, depends_on, for_each, lifecycle, locals, providers, source, version), got \"X-URL\"",
  ],
  "time zone in the wrong case": [
    "inventory.yaml:75:19 sites[1].maintenance[0].location: must be an IANA time zone spelled exactly, such as Europe/Berlin or UTC (did you mean Europe/Oslo?), got \"europe/oslo\"",
  ],
  "unknown time zone": [
    "inventory.yaml:75:19 sites[1].maintenance[0].location: must be an IANA time zone spelled exactly, such as Europe/Berlin or UTC, got \"Mars/Olympus\"",
  ],
  "reversed weekday range": [
    "inventory.yaml:72:13 sites[1].maintenance[0].weekdays[0]: must be a range from an earlier to a later day of the week (monday first), such as monday:friday; write a range across Sunday as two entries, got \"friday:monday\"",
  ],
  "capitalised weekday": [
    "inventory.yaml:72:13 sites[1].maintenance[0].weekdays[0]: must be a weekday or a range such as monday:friday (lowercase), got \"Sunday\"",
  ],
  "IPv4 part above 255": [
    "inventory.yaml:37:22 sites[0].nodes[0].cameras[0].address: must be an IPv4 address: four numbers 0-255 separated by dots, such as 192.168.1.10, got \"192.168.1.256\"",
  ],
  "IPv4 with three parts": [
    "inventory.yaml:37:22 sites[0].nodes[0].cameras[0].address: must be an IPv4 address: four numbers 0-255 separated by dots, such as 192.168.1.10, got \"192.168.1\"",
  ],
  "IPv4 with a leading zero": [
    "inventory.yaml:33:18 sites[0].nodes[0].address: must be an IPv4 address: four numbers 0-255 separated by dots, such as 192.168.1.10, got \"192.168.1.021\"",
  ],
  "host name as a bind address": [
    "inventory.yaml:16:16 hub.publish.grafana.address: must be an IPv4 address of the host to bind to, such as 192.168.1.10, 127.0.0.1 (local to the host) or 0.0.0.0 (every interface); a host name cannot be bound, got \"hub.home.arpa\"",
  ],
  "bad start time, no follow-on error": [
    "inventory.yaml:73:16 sites[1].maintenance[0].start: must be a time of day as HH:MM, 00:00 to 24:00, got \"25:00\"",
  ],
  "end before start": [
    "inventory.yaml:74:14 sites[1].maintenance[0].end: must be after start (03:00), got \"02:00\"",
  ],
  "two services on one address:port": [
    "inventory.yaml:16:7 hub.publish.grafana: binds 192.168.1.10:9090, which hub.publish.prometheus already binds on the hub, got {\"address\":\"192.168.1.10\",\"port\":9090}",
  ],
  "a service on 0.0.0.0 and another on the same port": [
    "inventory.yaml:18:7 hub.publish.pushgateway: binds 0.0.0.0:9090, which hub.publish.prometheus already binds on the hub, got {\"address\":\"0.0.0.0\",\"port\":9090}",
  ],
  "a published port on node_exporter's host listener": [
    "inventory.yaml:22:7 hub.publish.cameraHub: binds 192.168.1.10:9100, which node_exporter (host network) already binds on the hub, got {\"address\":\"192.168.1.10\",\"port\":9100}",
  ],
  "two edge nodes on one Docker host": [
    "inventory.yaml:53:21 sites[0].nodes[1].dockerHost: reaches the same Docker engine (porch.home.arpa:22) as sites[0].nodes[0] (home/porch): the hub and every edge node need a Docker host of their own (their containers have the same names), got \"ssh://pi@porch.home.arpa\"",
  ],
  "an edge node on the hub's Docker host, as another user": [
    "inventory.yaml:32:21 sites[0].nodes[0].dockerHost: reaches the same Docker engine (hub.home.arpa:22) as hub.dockerHost: the hub and every edge node need a Docker host of their own (their containers have the same names), got \"ssh://root@HUB.home.arpa:22\"",
  ],
  "a connector named like the Loki gateway": [
    "DIR/inventory.yaml:93:11 connectors[1].name: hub/connectors/loki-gateway/service: container name \"loki-gateway\" is already used on this Docker host by hub/loki-gateway/service; choose a name no other container of the hub has, got \"loki-gateway\"",
  ],
  "a connector named like the hub's blackbox exporter": [
    "DIR/inventory.yaml:89:11 connectors[0].name: hub/connectors/blackbox-exporter/service: container name \"blackbox-exporter\" is already used on this Docker host by hub/blackbox-exporter/service; choose a name no other container of the hub has, got \"blackbox-exporter\"",
  ],
  "a connector named like Prometheus's config loader": [
    "DIR/inventory.yaml:96:11 connectors[2].name: hub/connectors/prometheus-config-loader/service: container name \"prometheus-config-loader\" is already used on this Docker host by hub/prometheus/service; choose a name no other container of the hub has, got \"prometheus-config-loader\"",
  ],
  "an empty file": [
    "inventory.yaml:1:1 (document): the inventory is empty (or only comments); see inventory/sites.yaml for an example",
  ],
  "a file of comments only": [
    "inventory.yaml:1:1 (document): the inventory is empty (or only comments); see inventory/sites.yaml for an example",
  ],
  "a list at the top": [
    "inventory.yaml:1:1 (document): the inventory must be a mapping with the keys hub, edgeAgent, sites and alerting; see inventory/sites.yaml for an example",
  ],
  "an alias to no anchor": [
    "inventory.yaml:1:6 the alias *nothing refers to no anchor (&nothing) defined before it",
  ],
  "an alias bomb": [
    "inventory.yaml:2:8 the document expands YAML aliases more than 100 times (a guard against resource exhaustion): write the values out",
  ],
  "two YAML documents": [
    "inventory.yaml:134:1 the file must hold one YAML document; remove the second one (after ---)",
  ],
  "a key twice": [
    "inventory.yaml:2:1 a key appears twice in the same mapping; keep one",
  ],
  "broken YAML": [
    "inventory.yaml:2:1 Flow sequence in block collection must be sufficiently indented and end with a ]",
  ],
  "an unknown YAML tag": [
    "inventory.yaml:12:14 Unresolved tag: !custom: the inventory uses no YAML tags; write the plain value",
  ],
  "an unknown key with a newline in it": [
    "inventory.yaml:25:18 hub[\"ret\\nention\"]: unknown key (allowed keys are listed in inventory/inventory.schema.json)",
  ],
  "a port beyond any number": [
    "inventory.yaml:39:19 sites[0].nodes[0].cameras[0].port: must be a number, got Infinity",
  ],
  "a password in the ssh URL is masked": [
    "inventory.yaml:2:15 hub.dockerHost: must not contain a password; use an SSH key, got \"ssh://ops:***@hub.home.arpa\"",
  ],
  "a port out of range in the ssh URL": [
    "inventory.yaml:32:21 sites[0].nodes[0].dockerHost: port must be a whole number between 1 and 65535, got \"ssh://pi@porch.home.arpa:99999\"",
  ],
  "a Docker host over tcp": [
    "inventory.yaml:32:21 sites[0].nodes[0].dockerHost: must use the ssh:// scheme, as in ssh://user@host, got \"tcp://porch:2375\"",
  ],
  "a fractional port": [
    "inventory.yaml:39:19 sites[0].nodes[0].cameras[0].port: must be a whole number, got 80.5",
  ],
  "a port as text": [
    "inventory.yaml:39:19 sites[0].nodes[0].cameras[0].port: must be a number, got \"eighty\"",
  ],
  "a smarthost port out of range": [
    "inventory.yaml:115:18 alerting.receivers[3].smarthost: must be host:port, such as smtp.example.com:587 (an IPv4 address or host name, and a port 1-65535), got \"smtp.home.example:99999\"",
  ],
  "a smarthost with a space": [
    "inventory.yaml:115:18 alerting.receivers[3].smarthost: must be host:port, such as smtp.example.com:587 (an IPv4 address or host name, and a port 1-65535), got \"smtp home:25\"",
  ],
  "credentials in the runbook URL are masked": [
    "inventory.yaml:133:15 alerting.runbookUrl: must not carry a user name or password: every alert shows it, got \"https://ops:***@git.example/RUNBOOK.md\"",
  ],
  "an email address that is not one": [
    "inventory.yaml:113:11 alerting.receivers[3].to: must be an email address, got \"ops at home\"",
  ],
  "an unknown receiver type": [
    "inventory.yaml:102:13 alerting.receivers[0].type: type must be one of the receiver types webhook, email, pushover, msteams, got \"pager\"",
  ],
  "an image on latest": [
    "inventory.yaml:26:10 edgeAgent.image: must not use the floating tag 'latest', got \"ghcr.io/home-ops/edge-agent:latest\"",
  ],
  "a route to an undefined receiver": [
    "inventory.yaml:130:9 alerting.routes.warning[0]: names a receiver that is not defined in alerting.receivers, got \"nobody\"",
  ],
  "no sites": [
    "inventory.yaml:27:8 sites: at least one site is needed, got []",
  ],
};

describe("hostile and malformed inventories", () => {
  it("has at least 60 cases, each with its expected problems", () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(60);
    expect(HOSTILE_CASES.map((k) => k.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const hostile of HOSTILE_CASES.filter((k) => k.refusedBy === "validation")) {
    it(`fails when ${hostile.name}`, () => {
      let problems: string[] | undefined;
      try {
        parseInventory(hostile.text, "inventory.yaml");
      } catch (err) {
        if (!(err instanceof InventoryError)) throw err;
        problems = err.problems;
      }
      expect(problems).toEqual(EXPECTED[hostile.name]);
    });
  }

  describe("refused where the resources are made", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "hostile-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    for (const hostile of HOSTILE_CASES.filter((k) => k.refusedBy === "synth")) {
      it(`fails when ${hostile.name}, and writes nothing`, () => {
        const file = join(dir, "inventory.yaml");
        writeFileSync(file, hostile.text);
        const outdir = join(dir, "cdktf.out");
        const renderedDir = join(dir, "rendered");
        const result = synthApp({ inventoryFile: file, outputs: { outdir, renderedDir } });
        expect(result.ok).toBe(false);
        const refusal = result.ok ? "" : result.refusal.split(dir).join("DIR");
        expect(refusal).toBe(`DIR/inventory.yaml: the inventory is invalid (1 problem):\n  - ${EXPECTED[hostile.name][0]}`);
        expect([existsSync(outdir), existsSync(renderedDir)]).toEqual([false, false]);
      });
    }
  });
});
