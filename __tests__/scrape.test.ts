import { Network } from "@cdktf/provider-docker/lib/network";
import { Testing, TerraformStack } from "cdktf";
import { Credentials, EdgeAgent, LogAgent, NodeExporter, Prometheus, SecretVariables, TlsGateway } from "../constructs";
import { MetricsEndpoint, ScrapeJobSet } from "../constructs/scrape";

const clients = {
  "basic-auth": { basicAuth: { username: "prometheus", passwordFile: "/pw" }, tls: { caFile: "/ca" } },
  "server-tls": { tls: { caFile: "/ca" } },
  "client-certificate": { tls: { caFile: "/ca", certFile: "/cert", keyFile: "/key" } },
};
const endpoint = (over: Partial<MetricsEndpoint>): MetricsEndpoint => ({ job: "j", address: "a:1", scheme: "http", check: "none", labels: { service: "s" }, ...over });

describe("ScrapeJobSet", () => {
  it("takes a job's scheme and path from its first target; a target that differs carries its own", () => {
    const set = new ScrapeJobSet();
    set.add([endpoint({ address: "hub:9100", scheme: "https", check: "basic-auth" })], { site: "hub", node: "hub" });
    set.add([endpoint({ address: "lab:9100", scheme: "http", check: "basic-auth" })], { site: "lab", node: "n1" });
    const [job] = set.jobs(clients);
    expect(job).toMatchObject({ name: "j", scheme: "https", client: clients["basic-auth"] });
    expect(job.targets).toEqual([
      { address: "hub:9100", labels: { site: "hub", node: "hub", service: "s" } },
      { address: "lab:9100", labels: { site: "lab", node: "n1", service: "s" }, scheme: "http" },
    ]);
  });

  it("gives a job a password where a target checks one and the strongest TLS any target needs", () => {
    const set = new ScrapeJobSet();
    set.add([endpoint({ check: "none" }), endpoint({ check: "client-certificate" })], {});
    expect(set.jobs(clients)[0].client).toEqual({ tls: clients["client-certificate"].tls });
    const plain = new ScrapeJobSet();
    plain.add([endpoint({ check: "none" })], {});
    expect(plain.jobs(clients)[0].client).toBeUndefined();
  });
});

describe("scraping components by reference", () => {
  function host() {
    const stack = new TerraformStack(Testing.app(), "host");
    const network = new Network(stack, "network", { name: "observability" });
    const secrets = new SecretVariables(stack, "secrets");
    const credentials = new Credentials(stack, "credentials", { hosts: [{ host: "n1", dnsNames: ["n1"], ipAddresses: [] }], passwordIdentities: ["prometheus", "operator"] });
    return { stack, context: { network, secrets, credentials } };
  }

  it("reaches a component on another host at its published port", () => {
    const { stack, context } = host();
    const agent = new EdgeAgent(stack, "edge-agent", { ...context, image: "example/edge-agent:1.0", publish: { address: "10.0.0.5", port: 19400 } });
    expect(agent.metricsEndpoints({ host: "10.0.0.5" })[0].address).toBe("10.0.0.5:19400");
    expect(agent.metricsEndpoints({})[0].address).toBe("edge-agent:9400");
  });

  it("fails when a scraper on another host is wired to an unpublished component, naming it", () => {
    const { stack, context } = host();
    const agent = new EdgeAgent(stack, "edge-agent", { ...context, image: "example/edge-agent:1.0" });
    expect(() => agent.metricsEndpoints({ host: "10.0.0.5" })).toThrow("host/edge-agent: scraped from another host (10.0.0.5) but not published on it");
  });

  it("scrapes what a gateway passes through it by client certificate, with the components' jobs", () => {
    const { stack, context } = host();
    const edgeAgent = new EdgeAgent(stack, "edge-agent", { ...context, image: "example/edge-agent:1.0" });
    const logAgent = new LogAgent(stack, "log-agent", { ...context, kind: "alloy", certificateHost: "n1", lokiPushUrl: "https://hub:3100/loki/api/v1/push", site: "s", device: "n1" });
    const gateway = new TlsGateway(stack, "gateway", { ...context, serviceName: "metrics-gateway", port: 9443, publish: { address: "10.0.0.5" }, tlsHost: "n1", allowedClients: ["hub"], metricsOf: [edgeAgent, logAgent] });
    const endpoints = gateway.metricsEndpoints({ host: "10.0.0.5" });
    expect(endpoints.map((e) => [e.job, e.check, e.through])).toEqual([
      ["edge-agent", "client-certificate", { scheme: "https", metricsPath: "/edge-agent/metrics", address: "10.0.0.5:9443" }],
      ["log-agent", "client-certificate", { scheme: "https", metricsPath: "/log-agent/metrics", address: "10.0.0.5:9443" }],
    ]);
  });

  it("fails when a component's job was already added as given", () => {
    const { stack, context } = host();
    const prometheus = new Prometheus(stack, "prometheus", { ...context, access: { tlsHost: "n1", users: ["operator"] }, clientIdentity: { username: "prometheus", certificateHost: "n1" } });
    prometheus.addScrapeJob({ name: "node-exporter", targets: [] });
    const nodeExporter = new NodeExporter(stack, "node-exporter", { ...context, listenAddress: "10.0.0.5", access: { tlsHost: "n1", users: ["prometheus"] } });
    expect(() => prometheus.scrape(nodeExporter, {})).toThrow('host/prometheus: host/node-exporter offers scrape job "node-exporter", which was added as given');
  });

  it("fails when a component is scraped twice, directly or behind a gateway, naming it", () => {
    const { stack, context } = host();
    const prometheus = new Prometheus(stack, "prometheus", { ...context, access: { tlsHost: "n1", users: ["operator", "prometheus"] }, clientIdentity: { username: "prometheus", certificateHost: "n1" } });
    const edgeAgent = new EdgeAgent(stack, "edge-agent", { ...context, image: "example/edge-agent:1.0" });
    const gateway = new TlsGateway(stack, "gateway", { ...context, serviceName: "metrics-gateway", port: 9443, tlsHost: "n1", allowedClients: ["hub"], metricsOf: [edgeAgent] });
    prometheus.scrape(gateway, {});
    expect(() => prometheus.scrape(edgeAgent, {})).toThrow("host/prometheus: host/edge-agent is scraped or watched twice (directly or behind a gateway)");
  });

  it("fails when Prometheus scrapes itself as a user its web config does not let in", () => {
    const { stack, context } = host();
    const prometheus = new Prometheus(stack, "prometheus", { ...context, access: { tlsHost: "n1", users: ["operator"] }, clientIdentity: { username: "prometheus", certificateHost: "n1" } });
    expect(() => prometheus.scrape(prometheus, {})).toThrow('host/prometheus: scrapes itself as "prometheus", which access.users (operator) does not let in');
  });
});

describe("ScrapeJobSet settings", () => {
  it("fails when endpoints of one job disagree on its settings", () => {
    const set = new ScrapeJobSet();
    set.add([endpoint({ jobSettings: { scrapeIntervalSeconds: 15 } })], {});
    expect(() => set.add([endpoint({ jobSettings: { scrapeIntervalSeconds: 30 } })], {})).toThrow('scrape job "j" already has settings {"scrapeIntervalSeconds":15}, not {"scrapeIntervalSeconds":30}');
  });
});
