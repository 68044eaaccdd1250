// Every name a client dials over TLS must be in the certificate of the host that
// serves it (the security suite connects to 127.0.0.1 only, which every
// certificate lists, so it cannot catch a missing service name or address).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { parse } from "yaml";
import { edgeHostName, hostCertificates, HUB_HOST } from "../security/pki";
import { defineStacks, stackName } from "../stacks/app";
import { renderedFiles } from "../stacks/rendered-files";
import type { Inventory } from "../inventory/schema";
import { alertmanagerReplicas } from "../stacks/beyond-one-hub";
import { exampleInventory } from "./support/example";
import { largeHouseholdInventory, withPlainStackNames } from "./support/large-household";

interface Dial {
  /** Where the client's config says it connects. */
  readonly from: string;
  readonly name: string;
  /** Certificate of the host serving it. */
  readonly host: string;
}

const hostOf = (labels: Record<string, string>) => (labels.site === "hub" ? HUB_HOST : edgeHostName(labels.site, labels.node));
const nameIn = (url: string) => new URL(url).hostname;

/** HTTPS targets of a prometheus.yml: scrapes (per-target scheme overrides), alerting, remote_write to the hub. */
function prometheusDials(key: string, yaml: string, alertmanagerHost: (address: string) => string): Dial[] {
  const doc = parse(yaml);
  const dials: Dial[] = [];
  for (const job of doc.scrape_configs)
    for (const group of job.static_configs)
      if ((group.labels.__scheme__ ?? job.scheme ?? "http") === "https")
        for (const target of group.targets) dials.push({ from: `${key} ${job.job_name}`, name: target.split(":")[0], host: hostOf(group.labels) });
  for (const am of doc.alerting?.alertmanagers ?? [])
    for (const target of am.static_configs[0].targets) dials.push({ from: `${key} alerting`, name: target.split(":")[0], host: alertmanagerHost(target) });
  // The hub's own remote_write goes to long-term stores, which serve their own certificates.
  if (!key.startsWith("hub/")) for (const rw of doc.remote_write ?? []) dials.push({ from: `${key} remote_write`, name: nameIn(rw.url), host: HUB_HOST });
  return dials;
}

describe.each<[string, () => Inventory]>([
  ["example inventory", exampleInventory],
  ["large household", largeHouseholdInventory],
])("certificates (%s)", (_label, inventoryOf) => {
  const inventory = inventoryOf();
  // Alertmanager replicas serve with the certificate of the host they run on.
  const replicaHost = new Map(alertmanagerReplicas(inventory).flatMap((r) => (r.address ? [[r.address, r.tlsHost] as const] : [])));
  const alertmanagerHost = (address: string) => replicaHost.get(address) ?? HUB_HOST;
  const outdir = mkdtempSync(join(tmpdir(), "pki-"));
  const app = new App({ outdir });
  defineStacks(app, inventory);
  const rendered = withPlainStackNames(renderedFiles(app), inventory);
  app.synth();
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  // The names each certificate is issued for, as synthesized: the inventory's addresses and the services that serve it.
  const hub = JSON.parse(readFileSync(join(outdir, "stacks", stackName(inventory, "hub"), "cdk.tf.json"), "utf8"));
  const requests = Object.values<{ subject: { common_name: string }[]; dns_names: string[]; ip_addresses: string[] }>(hub.resource.tls_cert_request);
  const specs = new Map(requests.map((r) => [r.subject[0].common_name, new Set([...r.dns_names, ...r.ip_addresses])]));
  expect(specs.size).toBe(hostCertificates(inventory).length + 1);

  const dials: Dial[] = [];
  for (const [key, text] of rendered) {
    if (key.endsWith("/prometheus.yml") && !key.includes("/rules/")) dials.push(...prometheusDials(key, text, alertmanagerHost));
    if (key.endsWith("/promtail.yaml")) dials.push({ from: key, name: nameIn(parse(text).clients[0].url), host: HUB_HOST });
    if (key.endsWith("/config.alloy")) dials.push({ from: key, name: nameIn(/^\s*url\s*=\s*"([^"]+)"/m.exec(text)![1]), host: HUB_HOST });
    if (key.endsWith("/loki.yaml"))
      for (const url of parse(text).ruler.alertmanager_url.split(",")) dials.push({ from: key, name: nameIn(url), host: alertmanagerHost(new URL(url).host) });
  }
  const grafana = JSON.parse(readFileSync(join(outdir, "stacks", stackName(inventory, "grafana"), "cdk.tf.json"), "utf8"));
  dials.push({ from: "grafana provider", name: nameIn(grafana.provider.grafana[0].url), host: HUB_HOST });
  for (const ds of Object.values<{ url: string; name: string; uid: string }>(grafana.resource.grafana_data_source))
    if (ds.url.startsWith("https://") && !ds.uid.startsWith("long-term-"))
      dials.push({ from: `grafana datasource ${ds.name}`, name: nameIn(ds.url), host: alertmanagerHost(new URL(ds.url).host) });

  it("cover every name a client dials over TLS, on the certificate of the host that serves it", () => {
    expect(dials.length).toBeGreaterThan(20);
    const missing = dials.filter((d) => !specs.get(d.host)?.has(d.name)).map((d) => `${d.from}: ${d.name} not on ${d.host}'s certificate`);
    expect(missing).toEqual([]);
  });

  it("are checked against the right host: a node's address is not on the hub's certificate", () => {
    const node = inventory.sites[0].nodes[0];
    expect(specs.get(edgeHostName(inventory.sites[0].name, node.name))!.has(node.address)).toBe(true);
    expect(specs.get(HUB_HOST)!.has(node.address)).toBe(false);
  });
});
