// Construct ids are API: a data volume's Terraform address is where its state
// lives, so a renamed construct would plan a new, empty volume (prevent_destroy
// would then refuse the plan, but the deployment would be stuck). This pins every
// data volume's address for the example inventory; changing one needs a `moved`
// block (cdktf: resource.moveTo / moveFromId) in the same change.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { defineStacks } from "../stacks/app";
import { exampleInventory } from "./support/example";

const DATA_VOLUMES = [
  "edge-cabin-lodge docker_volume.edge-agent_service_volume-logs_91BAE59C edge-agent-logs",
  "edge-cabin-lodge docker_volume.log-agent_service_volume-positions_FA2EEE3F promtail-positions",
  "edge-cabin-lodge docker_volume.prometheus-agent_service_volume-wal_79C9BFF4 prometheus-agent-wal",
  "edge-home-garage docker_volume.edge-agent_service_volume-logs_91BAE59C edge-agent-logs",
  "edge-home-garage docker_volume.log-agent_service_volume-positions_FA2EEE3F alloy-positions",
  "edge-home-porch docker_volume.edge-agent_service_volume-logs_91BAE59C edge-agent-logs",
  "edge-home-porch docker_volume.log-agent_service_volume-positions_FA2EEE3F promtail-positions",
  "hub docker_volume.alertmanager_service_volume-data_6F888E22 alertmanager-data",
  "hub docker_volume.grafana_service_volume-data_6572C1AF grafana-data",
  "hub docker_volume.log-agent_service_volume-positions_FA2EEE3F promtail-positions",
  "hub docker_volume.loki_service_volume-data_A41637CC loki-data",
  "hub docker_volume.prometheus_service_volume-data_E1753F0C prometheus-data",
  "hub docker_volume.pushgateway_service_volume-data_D0B27A09 pushgateway-data",
];

describe("data volumes", () => {
  it("keep their Terraform addresses and names, and prevent_destroy", () => {
    const outdir = mkdtempSync(join(tmpdir(), "volumes-"));
    try {
      const app = new App({ outdir });
      defineStacks(app, exampleInventory());
      app.synth();
      const found: string[] = [];
      for (const stack of readdirSync(join(outdir, "stacks")).sort()) {
        const json = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
        for (const [id, volume] of Object.entries<{ name: string; lifecycle?: { prevent_destroy?: boolean } }>(json.resource?.docker_volume ?? {}))
          if (!volume.name.endsWith("-config")) found.push(`${stack} docker_volume.${id} ${volume.name}${volume.lifecycle?.prevent_destroy ? "" : " (NOT prevent_destroy)"}`);
      }
      expect(found.sort()).toEqual(DATA_VOLUMES);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
