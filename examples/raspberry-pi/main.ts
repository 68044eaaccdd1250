// A deployment of its own, written directly with the components (no inventory):
// one Raspberry Pi in the garden shed with a doorbell camera and a temperature
// sensor, its own Prometheus and Alertmanager, everything on the Pi.
import { Network } from "@cdktf/provider-docker/lib/network";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Alertmanager, BlackboxExporter, Credentials, dockerHostProvider, NodeExporter, Prometheus, SecretVariables } from "home-observability";

const PI_ADDRESS = "192.168.1.30";
const HOST = "shed-pi";

class ShedStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    dockerHostProvider(this, "ssh://pi@shed-pi.home.arpa");
    const network = new Network(this, "network", { name: "observability", driver: "bridge" });
    const secrets = new SecretVariables(this, "secrets");
    // One certificate for the Pi, passwords for the operator and for Prometheus as a client.
    const credentials = new Credentials(this, "credentials", {
      hosts: [{ host: HOST, dnsNames: ["localhost", "prometheus", "alertmanager", "blackbox-exporter"], ipAddresses: ["127.0.0.1", PI_ADDRESS] }],
      passwordIdentities: ["operator", "prometheus"],
    });
    const context = { network, secrets, credentials };
    const scrapedBy = { tlsHost: HOST, users: ["operator", "prometheus"] };

    const nodeExporter = new NodeExporter(this, "node-exporter", { ...context, listenAddress: PI_ADDRESS, access: scrapedBy });
    const blackbox = new BlackboxExporter(this, "blackbox-exporter", {
      ...context,
      access: scrapedBy,
      cameras: [{ name: "doorbell", address: "192.168.1.60", probe: "tcp", port: 554 }],
    });
    const alertmanager = new Alertmanager(this, "alertmanager", {
      ...context,
      access: scrapedBy,
      config: {
        receivers: [{ name: "phone", type: "webhook", urlVariable: "phone_webhook_url" }],
        routes: { critical: ["phone"], warning: ["phone"], info: [] },
      },
    });
    const prometheus = new Prometheus(this, "prometheus", {
      ...context,
      retentionTime: "90d",
      retentionSize: "8GB",
      // It scrapes itself as "prometheus".
      access: { tlsHost: HOST, users: ["operator", "prometheus"] },
      clientIdentity: { username: "prometheus" },
      alertmanagers: [alertmanager.address],
      publish: { address: PI_ADDRESS },
      memoryMb: 512,
      runbookUrl: "https://example.org/RUNBOOK.md",
    });
    // Wired by reference: each component brings its scrape targets, its alerts
    // (with their promtool cases) and its dashboard panels.
    for (const component of [prometheus, alertmanager, nodeExporter, blackbox]) prometheus.scrape(component, { site: "shed", node: "pi" });
  }
}

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
new ShedStack(app, "shed");
app.synth();
