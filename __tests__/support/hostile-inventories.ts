// A corpus of malformed and hostile inventories: each is the example inventory with
// one change (or a whole text of its own), and the exact problems the synth must print.
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { EXAMPLE_FILE, exampleDocument } from "./example";

export interface HostileCase {
  readonly name: string;
  /** The file's text. */
  readonly text: string;
  /** Refused at validation (parseInventory) or only where the resources are made (synth). */
  readonly refusedBy: "validation" | "synth";
}

type Doc = Record<string, any>;

const edited = (change: (doc: Doc) => void): string => {
  const doc = exampleDocument();
  change(doc);
  return stringify(doc);
};

const c = (name: string, change: (doc: Doc) => void, refusedBy: HostileCase["refusedBy"] = "validation"): HostileCase => ({ name, text: edited(change), refusedBy });
const raw = (name: string, text: string): HostileCase => ({ name, text, refusedBy: "validation" });

const cam = (d: Doc) => d.sites[0].nodes[0].cameras[0];
const email = (d: Doc) => d.alerting.receivers[3];
const porch = (d: Doc) => d.sites[0].nodes[0];

const BOMB = ["a: &a [x, x, x, x, x, x, x, x, x]", ...["b", "c", "d", "e"].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcd"[i]}`).join(", ")}]`)].join("\n");

export const HOSTILE_CASES: readonly HostileCase[] = [
  // The project's placeholders and Terraform expressions in text.
  c("placeholder in a camera path", (d) => (cam(d).path = "/onvif/${password.operator}")),
  c("placeholder in an SMTP username", (d) => (email(d).username = "${password.operator}")),
  c("TLS key placeholder in a camera path", (d) => (cam(d).path = "/x/${tls.hub.key}")),
  c("variable placeholder in a node address", (d) => (porch(d).address = "${var.smtp_password}")),
  c("bcrypt placeholder in a sensor kind", (d) => (porch(d).sensors[0].kind = "${bcrypt.operator}")),
  c("Terraform expression in dockerHost", (d) => (d.hub.dockerHost = "ssh://ops@hub${path.cwd}")),
  c("Terraform directive in dockerHost", (d) => (d.hub.dockerHost = "ssh://ops@hub%{endif}")),
  c("Terraform expression in a connector image", (d) => (d.connectors[0].image = "ghcr.io/x/${var.y}:1")),
  c("Terraform expression in a route", (d) => (d.alerting.routes.critical = ["${file(\"/etc/passwd\")}"])),
  // Go templates.
  c("Go template in the runbook URL", (d) => (d.alerting.runbookUrl = 'https://git.example/{{ with query "up" }}{{ . }}{{ end }}')),
  c("Go template in an email address", (d) => (email(d).to = "{{ .CommonLabels.x }}@home.example")),
  c("Go template in the heartbeat receiver", (d) => (d.alerting.heartbeat = "{{ template \"x\" }}")),
  c("closing template braces in a maintenance zone", (d) => (d.sites[1].maintenance[0].location = "Europe/Oslo}}")),
  // Control, quote and invisible characters.
  c("newline in an HTTP probe path", (d) => (cam(d).path = "/a\nb: c")),
  c("quote in an HTTP probe path", (d) => (cam(d).path = '/a"b')),
  c("space in an HTTP probe path", (d) => (cam(d).path = "/a b")),
  c("bad percent escape in an HTTP probe path", (d) => (cam(d).path = "/a%zz")),
  c("newline in an SMTP username", (d) => (email(d).username = "ops\nRCPT TO:<x@y>")),
  c("quote in an SMTP username", (d) => (email(d).username = 'ops"x')),
  c("newline in dockerHost", (d) => (d.hub.dockerHost = "ssh://ops@hub\n-oProxyCommand=x")),
  c("NUL in a site name", (d) => (d.sites[0].name = "ho\u0000me")),
  c("right-to-left override in an SMTP username", (d) => (email(d).username = "ops\u202eexample")),
  c("private-use character in the runbook URL", (d) => (d.alerting.runbookUrl = "https://git.example/\ue000password.operator\ue001")),
  c("zero-width space in a camera name", (d) => (cam(d).name = "front\u200bdoor")),
  c("very long SMTP username", (d) => (email(d).username = "a".repeat(2000))),
  // Values a tool downstream would reject.
  c("duration beyond Prometheus's range", (d) => (porch(d).sensors[0].staleAfter = "99999999999999999999d")),
  c("retention of 1000 years", (d) => (d.hub.retention.metrics = "1000y")),
  c("retention size beyond 64 bits", (d) => (d.hub.retention.metricsSize = "9999999999EB")),
  c("zero duration", (d) => (porch(d).sensors[0].staleAfter = "0s")),
  c("empty duration", (d) => (porch(d).sensors[0].staleAfter = "")),
  c("duration units out of order", (d) => (porch(d).sensors[0].staleAfter = "5m30h")),
  c("log retention not in whole days", (d) => (d.hub.retention.logs = "36h")),
  c("variable named count", (d) => (email(d).passwordVariable = "count")),
  c("variable named for_each", (d) => (d.alerting.receivers[0].urlVariable = "for_each")),
  c("variable name of 64 characters", (d) => (d.alerting.receivers[0].urlVariable = `v${"x".repeat(63)}`)),
  c("variable name with a hyphen", (d) => (d.alerting.receivers[0].urlVariable = "X-URL")),
  c("time zone in the wrong case", (d) => (d.sites[1].maintenance[0].location = "europe/oslo")),
  c("unknown time zone", (d) => (d.sites[1].maintenance[0].location = "Mars/Olympus")),
  c("reversed weekday range", (d) => (d.sites[1].maintenance[0].weekdays = ["friday:monday"])),
  c("capitalised weekday", (d) => (d.sites[1].maintenance[0].weekdays = ["Sunday"])),
  c("IPv4 part above 255", (d) => (cam(d).address = "192.168.1.256")),
  c("IPv4 with three parts", (d) => (cam(d).address = "192.168.1")),
  c("IPv4 with a leading zero", (d) => (porch(d).address = "192.168.1.021")),
  c("host name as a bind address", (d) => (d.hub.publish.grafana.address = "hub.home.arpa")),
  c("bad start time, no follow-on error", (d) => (d.sites[1].maintenance[0].start = "25:00")),
  c("end before start", (d) => (d.sites[1].maintenance[0].end = "02:00")),
  // Conflicts.
  c("two services on one address:port", (d) => (d.hub.publish.grafana.port = 9090)),
  c("a service on 0.0.0.0 and another on the same port", (d) => (d.hub.publish.pushgateway = { address: "0.0.0.0", port: 9090 })),
  c("a published port on node_exporter's host listener", (d) => (d.hub.publish.cameraHub.port = 9100)),
  c("two edge nodes on one Docker host", (d) => (d.sites[0].nodes[1].dockerHost = "ssh://pi@porch.home.arpa")),
  c("an edge node on the hub's Docker host, as another user", (d) => (porch(d).dockerHost = "ssh://root@HUB.home.arpa:22")),
  c("a connector named like the Loki gateway", (d) => (d.connectors[1].name = "loki-gateway"), "synth"),
  c("a connector named like the hub's blackbox exporter", (d) => (d.connectors[0].name = "blackbox-exporter"), "synth"),
  c("a connector named like Prometheus's config loader", (d) => (d.connectors[2].name = "prometheus-config-loader"), "synth"),
  // Files that used to crash.
  raw("an empty file", ""),
  raw("a file of comments only", "# nothing here yet\n# really\n"),
  raw("a list at the top", "- hub\n- sites\n"),
  raw("an alias to no anchor", "hub: *nothing\n"),
  raw("an alias bomb", `${BOMB}\n`),
  raw("two YAML documents", `${edited(() => undefined)}---\nhub: {}\n`),
  raw("a key twice", "hub: {}\nhub: {}\n"),
  raw("broken YAML", "hub: [\n"),
  raw("an unknown YAML tag", readFileSync(EXAMPLE_FILE, "utf8").replace("metrics: 30d", "metrics: !custom 30d")),
  c("an unknown key with a newline in it", (d) => (d.hub["ret\nention"] = 1)),
  c("a port beyond any number", (d) => (cam(d).port = Infinity)),
  // Message quality.
  c("a password in the ssh URL is masked", (d) => (d.hub.dockerHost = "ssh://ops:hunter2@hub.home.arpa")),
  c("a port out of range in the ssh URL", (d) => (porch(d).dockerHost = "ssh://pi@porch.home.arpa:99999")),
  c("a Docker host over tcp", (d) => (porch(d).dockerHost = "tcp://porch:2375")),
  c("a fractional port", (d) => (cam(d).port = 80.5)),
  c("a port as text", (d) => (cam(d).port = "eighty")),
  c("a smarthost port out of range", (d) => (email(d).smarthost = "smtp.home.example:99999")),
  c("a smarthost with a space", (d) => (email(d).smarthost = "smtp home:25")),
  c("credentials in the runbook URL are masked", (d) => (d.alerting.runbookUrl = "https://ops:s3cret@git.example/RUNBOOK.md")),
  c("an email address that is not one", (d) => (email(d).to = "ops at home")),
  c("an unknown receiver type", (d) => (d.alerting.receivers[0].type = "pager")),
  c("an image on latest", (d) => (d.edgeAgent.image = "ghcr.io/home-ops/edge-agent:latest")),
  c("a route to an undefined receiver", (d) => (d.alerting.routes.warning = ["nobody"])),
  c("no sites", (d) => (d.sites = [])),
];
