// The second example inventory (examples/large-household/sites.yaml) uses every
// option beyond one hub. It is synthesized here into a temp directory (never over
// the committed rendered/, which stays the first example's) and checked: Loki's
// files key by key against the Loki 3.7 reference (no Loki runs here), the rest by
// structure. promtool and amtool run on its files in __tests__/real/.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { parse } from "yaml";
import { defineStacks } from "../stacks/app";
import { renderedFiles } from "../stacks/rendered-files";
import { undocumentedKeys } from "./support/config-reference";
import { filesUnder } from "./support/files";
import { renderedOnDisk } from "./support/install";
import { largeHouseholdInventory, plainStackName, withPlainStackNames } from "./support/large-household";

const inventory = largeHouseholdInventory();
let outdir: string;
let rendered: Map<string, string>;
let stacks: Record<string, any>;


beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), "large-household-"));
  const app = new App({ outdir });
  defineStacks(app, inventory);
  rendered = withPlainStackNames(renderedFiles(app), inventory);
  app.synth();
  stacks = Object.fromEntries(
    filesUnder(outdir)
      .filter((f) => f.endsWith("cdk.tf.json"))
      .map((f) => [plainStackName(f.split("/").slice(-2, -1)[0], inventory), JSON.parse(readFileSync(f, "utf8"))]),
  );
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const file = (key: string) => {
  const content = rendered.get(key);
  if (content === undefined) throw new Error(`no rendered ${key}`);
  return content;
};
const containers = (stack: string) => Object.values<any>(stacks[stack].resource.docker_container).filter((c) => !c.name.endsWith("-config-loader"));
const container = (stack: string, name: string) => containers(stack).find((c) => c.name === name) ?? fail(`no container ${name} in ${stack}`);

describe("the large-household example", () => {
  it("uses all three options, and leaves the committed rendered/ alone", () => {
    expect(inventory.hub.remoteWrite.map((t) => t.name)).toEqual(["mimir", "victoria"]);
    expect(inventory.hub.alertmanager.replicas).toBe(3);
    expect(inventory.hub.logs).toMatchObject({ mode: "scalable", storage: { type: "s3", pathStyle: true } });
    // The committed review copy is the first example's: no replica, no store, one Loki.
    const committed = [...renderedOnDisk().keys()];
    expect(committed.filter((k) => /alertmanager-\d|loki-(write|read|backend)\//.test(k))).toEqual([]);
    expect(committed.some((k) => k.startsWith("hub/loki/"))).toBe(true);
  });

  describe("remote write", () => {
    const prometheus = () => parse(file("hub/prometheus/prometheus.yml"));

    it("sends to every store with the deployment as external label, secrets only as files", () => {
      const doc = prometheus();
      expect(doc.global.external_labels).toEqual({ deployment: "large-household" });
      expect(doc.remote_write.map((rw: any) => [rw.name, rw.url])).toEqual([
        ["mimir", "https://mimir.example.net/api/v1/push"],
        ["victoria", "https://metrics.example.net:8428/api/v1/write"],
      ]);
      const [mimir, victoria] = doc.remote_write;
      expect(mimir.basic_auth).toEqual({ username: "large-household", password_file: "/etc/prometheus/secrets/mimir_password" });
      expect(mimir.headers).toEqual({ "X-Scope-OrgID": "large-household" });
      expect(victoria.authorization).toEqual({ type: "Bearer", credentials_file: "/etc/prometheus/secrets/victoria_token" });
      expect(victoria.tls_config).toEqual({ ca_file: "/etc/prometheus/secrets/victoria_ca" });
      for (const variable of ["mimir_password", "victoria_token", "victoria_ca"]) expect(file(`hub/prometheus/secrets/${variable}`)).toBe(`\${var.${variable}}`);
    });

    it("renders the queue's documented defaults, and the overrides the inventory gives", () => {
      const [mimir, victoria] = prometheus().remote_write;
      expect(mimir.queue_config).toEqual({ capacity: 10000, min_shards: 1, max_shards: 50, max_samples_per_send: 2000, batch_send_deadline: "5s", min_backoff: "30ms", max_backoff: "5s", retry_on_http_429: true });
      expect(victoria.queue_config).toMatchObject({ capacity: 20000, max_shards: 10 });
    });

    it("drops blackbox's probe details before they leave, keeping probe_success", () => {
      const [rule] = prometheus().remote_write[0].write_relabel_configs;
      expect(rule).toMatchObject({ source_labels: ["__name__"], action: "drop" });
      const drops = new RegExp(`^(?:${rule.regex})$`);
      expect(["probe_http_status_code", "probe_icmp_duration_seconds", "probe_duration_seconds"].every((m) => drops.test(m))).toBe(true);
      expect(["probe_success", "probe_ssl_earliest_cert_expiry", "up", "node_load1"].some((m) => drops.test(m))).toBe(false);
    });

    it("adds the Mimir tenant as a Grafana datasource with its credentials as variables", () => {
      const sources = Object.values<any>(stacks.grafana.resource.grafana_data_source);
      const mimir = sources.find((s) => s.uid === "long-term-mimir");
      expect(mimir).toMatchObject({ type: "prometheus", url: "https://mimir.example.net/prometheus", basic_auth_enabled: true, basic_auth_username: "large-household" });
      expect(JSON.parse(mimir.json_data_encoded)).toMatchObject({ httpHeaderName1: "X-Scope-OrgID" });
      expect(mimir.secure_json_data_encoded).toContain("var.mimir_password");
      expect(stacks.grafana.variable.mimir_password).toMatchObject({ sensitive: true });
      expect(sources.find((s) => s.uid === "long-term-victoria")).toBeUndefined();
    });
  });

  describe("Alertmanager replicas", () => {
    const replicas = [
      { stack: "hub", name: "alertmanager", listen: "192.168.1.10:9093", cluster: "192.168.1.10:9094" },
      { stack: "hub", name: "alertmanager-2", listen: "192.168.1.10:9193", cluster: "192.168.1.10:9194" },
      { stack: "edge-home-garage", name: "alertmanager-3", listen: "192.168.1.22:9093", cluster: "192.168.1.22:9094" },
    ];

    it.each(replicas)("$name on $stack binds web and gossip to $listen and $cluster only, and gossips over mutual TLS", ({ stack, name, listen, cluster }) => {
      const c = container(stack, name);
      expect(c.network_mode).toBe("host");
      expect(c.ports ?? []).toEqual([]);
      expect(c.command).toEqual(expect.arrayContaining([`--web.listen-address=${listen}`, `--cluster.listen-address=${cluster}`, `--cluster.advertise-address=${cluster}`, "--cluster.tls-config=/etc/alertmanager/cluster-tls.yml"]));
      const peers = c.command.filter((a: string) => a.startsWith("--cluster.peer=")).map((a: string) => a.slice("--cluster.peer=".length));
      expect(peers.sort()).toEqual(replicas.filter((r) => r.name !== name).map((r) => r.cluster).sort());
      // Never every interface: no bare port, no 0.0.0.0, no empty host.
      expect(c.command.filter((a: string) => /^--(web|cluster)\.listen-address=(:|0\.0\.0\.0)/.test(a))).toEqual([]);
      const tls = parse(file(`${stack}/${name}/cluster-tls.yml`));
      expect(tls.tls_server_config).toMatchObject({ client_auth_type: "RequireAndVerifyClientCert", client_ca_file: "/etc/alertmanager/tls/ca.pem" });
      expect(tls.tls_client_config).toMatchObject({ ca_file: "/etc/alertmanager/tls/ca.pem", cert_file: "/etc/alertmanager/tls/cert.pem" });
      // The same routing everywhere.
      expect(file(`${stack}/${name}/alertmanager.yml`)).toBe(file("hub/alertmanager/alertmanager.yml"));
    });

    it("has Prometheus and Loki's ruler send to every replica, and Prometheus scrape each", () => {
      const doc = parse(file("hub/prometheus/prometheus.yml"));
      expect(doc.alerting.alertmanagers.flatMap((a: any) => a.static_configs[0].targets)).toEqual(replicas.map((r) => r.listen));
      const job = doc.scrape_configs.find((j: any) => j.job_name === "alertmanager");
      expect(job.static_configs.map((g: any) => [g.targets[0], g.labels.site, g.labels.node])).toEqual([
        ["192.168.1.10:9093", "hub", "hub"],
        ["192.168.1.10:9193", "hub", "hub"],
        ["192.168.1.22:9093", "home", "garage"],
      ]);
      const ruler = parse(file("hub/loki-backend/loki.yaml")).ruler;
      expect(ruler.alertmanager_url.split(",")).toEqual(replicas.map((r) => `https://${r.listen}`));
    });

    it("gives each host's certificate its replicas' addresses", () => {
      const hubRequest = Object.values<any>(stacks.hub.resource.tls_cert_request).find((r) => r.subject[0].common_name === "hub");
      expect(hubRequest.ip_addresses).toContain("192.168.1.10");
      const garage = Object.values<any>(stacks.hub.resource.tls_cert_request).find((r) => r.subject[0].common_name === "edge-home-garage");
      expect(garage.ip_addresses).toContain("192.168.1.22");
    });
  });

  describe("Loki on object storage, scalable", () => {
    const lokiFiles = () => [...rendered.keys()].filter((k) => /^hub\/loki(-[a-z]+)?\/loki\.yaml$/.test(k));

    it("runs write, read and backend as containers of their own with one config", () => {
      expect(lokiFiles()).toEqual(["hub/loki-backend/loki.yaml", "hub/loki-read/loki.yaml", "hub/loki-write/loki.yaml"]);
      for (const target of ["write", "read", "backend"]) expect(container("hub", `loki-${target}`).command).toEqual(["-config.file=/etc/loki/loki.yaml", `-target=${target}`]);
      expect(new Set(lokiFiles().map(file)).size).toBe(1);
      // Rules go where the ruler runs.
      expect([...rendered.keys()].filter((k) => k.includes("/rules/") && k.startsWith("hub/loki"))).toEqual(expect.arrayContaining([expect.stringMatching(/^hub\/loki-backend\/rules\//)]));
      expect([...rendered.keys()].filter((k) => /^hub\/loki-(read|write)\/rules\//.test(k))).toEqual([]);
    });

    it.each(["hub/loki-backend/loki.yaml"])("%s uses only Loki 3.7 keys (checked against the reference: no Loki binary runs here)", (key) => {
      expect(undocumentedKeys(parse(file(key)), "loki")).toEqual([]);
    });

    it("keeps chunks, index and deletes in the bucket, with retention by the compactor and S3 keys as variables", () => {
      const doc = parse(file("hub/loki-backend/loki.yaml"));
      expect(doc.common.storage.s3).toEqual({
        endpoint: "minio.home.arpa:9000",
        bucketnames: "loki-chunks",
        region: "eu-north-1",
        access_key_id: "${var.loki_s3_access_key_id}",
        secret_access_key: "${var.loki_s3_secret_access_key}",
        s3forcepathstyle: true,
        insecure: false,
      });
      expect(doc.schema_config.configs).toEqual([expect.objectContaining({ store: "tsdb", object_store: "s3", schema: "v13" })]);
      expect(doc.compactor).toMatchObject({ retention_enabled: true, delete_request_store: "s3" });
      expect(doc.limits_config.retention_period).toBe("31d");
      expect(doc.common.compactor_address).toBe("http://loki-backend:3100");
      expect(doc.memberlist.join_members).toEqual(["loki-write:7946", "loki-read:7946", "loki-backend:7946"]);
    });

    it("puts the gateway in front of the write target, Grafana on the read target, and gives only Loki a route out", () => {
      expect(file("hub/loki-gateway/nginx.conf")).toContain("set $upstream http://loki-write:3100/loki/api/v1/push;");
      const loki = Object.values<any>(stacks.grafana.resource.grafana_data_source).find((s) => s.uid === "loki");
      expect(loki.url).toBe("http://loki-read:3100");
      const egress = Object.values<any>(stacks.hub.resource.docker_network).find((n) => n.name === "observability-loki-egress");
      expect(egress.internal).toBeUndefined();
      const onEgress = containers("hub").filter((c) => (c.networks_advanced ?? []).some((n: any) => String(n.name).includes("loki-egress"))).map((c) => c.name);
      expect(onEgress.sort()).toEqual(["loki-backend", "loki-read", "loki-write"]);
    });
  });
});
