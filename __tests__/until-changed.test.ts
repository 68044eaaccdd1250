// A config rendered at synth is kept until its construct's collections change:
// read twice it is rendered once; read after an add*() it shows the addition.
import { Network } from "@cdktf/provider-docker/lib/network";
import { Testing, TerraformStack } from "cdktf";
import { Credentials, NodeExporter, Prometheus, PrometheusAgent, SecretVariables } from "../constructs";
import { UntilChanged } from "../constructs/until-changed";

describe("UntilChanged", () => {
  it("renders once until changed(), then again", () => {
    let renders = 0;
    const items: string[] = ["a"];
    const joined = new UntilChanged(() => (renders++, items.join(",")));
    expect([joined.value, joined.value, renders]).toEqual(["a", "a", 1]);
    items.push("b");
    joined.changed();
    expect([joined.value, joined.value, renders]).toEqual(["a,b", "a,b", 2]);
  });

  it("fails again, not stale, when rendering throws", () => {
    let fail = true;
    const value = new UntilChanged(() => {
      if (fail) throw new Error("not yet");
      return 1;
    });
    expect(() => value.value).toThrow("not yet");
    fail = false;
    expect(value.value).toBe(1);
  });
});

describe("configs rendered at synth", () => {
  function host() {
    const stack = new TerraformStack(Testing.app(), "host");
    const network = new Network(stack, "network", { name: "observability" });
    const secrets = new SecretVariables(stack, "secrets");
    const credentials = new Credentials(stack, "credentials", { hosts: [{ host: "n1", dnsNames: ["n1"], ipAddresses: [] }], passwordIdentities: ["prometheus", "operator", "n1"] });
    return { stack, context: { network, secrets, credentials } };
  }
  const config = (files: readonly { renderedName: string; content: string }[]) => files.find((f) => f.renderedName === "prometheus.yml")!.content;

  it("show a component Prometheus scrapes after its files were read", () => {
    const { stack, context } = host();
    const prometheus = new Prometheus(stack, "prometheus", { ...context, access: { tlsHost: "n1", users: ["operator"] }, clientIdentity: { username: "prometheus", certificateHost: "n1" } });
    expect(config(prometheus.service.files)).not.toContain("job_name: node-exporter");
    const nodeExporter = new NodeExporter(stack, "node-exporter", { ...context, listenAddress: "10.0.0.5", access: { tlsHost: "n1", users: ["prometheus"] } });
    prometheus.scrape(nodeExporter, { site: "s" });
    expect(config(prometheus.service.files)).toContain("job_name: node-exporter");
    prometheus.addScrapeJob({ name: "extra", targets: [] });
    expect(config(prometheus.service.files)).toContain("job_name: extra");
    expect(Testing.synth(stack)).toContain("job_name: extra");
  });

  it("show a component the agent scrapes after its files were read", () => {
    const { stack, context } = host();
    const agent = new PrometheusAgent(stack, "prometheus-agent", { ...context, remoteWriteUrl: "https://hub:9090/api/v1/write", identity: "n1", access: { tlsHost: "n1", users: ["operator"] } });
    expect(config(agent.service.files)).not.toContain("job_name: node-exporter");
    agent.scrape(new NodeExporter(stack, "node-exporter", { ...context, listenAddress: "127.0.0.1", access: { tlsHost: "n1", users: ["n1"] } }), { site: "s" });
    expect(config(agent.service.files)).toContain("job_name: node-exporter");
  });
});
