// `npm run preview`: try the hub's rules and routes before deploying. Starts, on
// 127.0.0.1 and free ports, the hub's Prometheus (with its rules), Alertmanager and
// pushgateway with the configs generated from the inventory, every edge node's
// node_exporter and blackbox_exporter, an agent for every node of a push site, and
// loopback stand-ins for cameras, edge agents, log agents and the hub's other
// services. Every receiver is a local webhook that prints what it gets. Ctrl-C
// stops everything. The same start-up as the e2e tests (__tests__/real/e2e/harness.ts).
//
//   npm run preview                  production intervals, as rendered
//   npm run preview -- --fast        the tests' intervals: 1 s scrapes, rule time 30× faster
//   INVENTORY=other.yaml npm run preview
//
// Needs the Debian packages scripts/ensure-test-tools.sh installs (Prometheus 2.42,
// Alertmanager 0.25: older than the deployed images, see README "Checks").
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { Delivery, Hub, Processes, startHub, TEST_TIMING } from "../__tests__/real/e2e/harness";
import { freePort } from "../__tests__/support/processes";
import { InventoryError, loadInventory } from "../inventory/load";
import { defineStacks } from "../stacks/app";
import { renderedFiles } from "../stacks/rendered-files";

const BINARIES = ["prometheus", "prometheus-alertmanager", "prometheus-pushgateway", "prometheus-node-exporter", "prometheus-blackbox-exporter"];

const time = () => new Date().toTimeString().slice(0, 8);

function printDelivery(d: Delivery): void {
  const { alertname, ...rest } = d.labels;
  const labels = Object.entries(rest).map(([k, v]) => `${k}="${v}"`).join(", ");
  console.log(`[${time()}] ${d.receiver.padEnd(10)} ${d.status.padEnd(8)} ${alertname} {${labels}}`);
}

/** POST /camera/<name>/down|up and /node/<site>/<node>/down|up take stand-ins away and bring them back. */
async function startControl(hub: Hub): Promise<{ url: string; close: () => void }> {
  const port = await freePort();
  const server = createServer((req, res) => {
    const parts = (req.url ?? "").split("/").filter(Boolean);
    const action = parts.pop();
    const run = async () => {
      if (req.method !== "POST" || (action !== "down" && action !== "up")) throw new Error("POST /camera/<name>/down|up or /node/<site>/<node>/down|up");
      const standIns = parts[0] === "camera" && parts.length === 2 ? [hub.standIns.camera(parts[1])] : parts[0] === "node" && parts.length === 3 ? hub.standIns.ofNode(parts[1], parts[2]) : [];
      if (standIns.length === 0) throw new Error(`nothing to take ${action} at ${req.url}`);
      await Promise.all(standIns.map((s) => (action === "down" ? s.down() : s.up())));
      console.log(`[${time()}] ${standIns.map((s) => s.name).join(", ")}: ${action}`);
    };
    run().then(
      () => res.writeHead(200).end("ok\n"),
      (err: Error) => res.writeHead(400).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

async function main(): Promise<void> {
  const fast = process.argv.includes("--fast");
  const missing = BINARIES.filter((b) => spawnSync(b, ["--version"]).error);
  if (missing.length > 0) {
    console.error(`Missing ${missing.join(", ")}: run scripts/ensure-test-tools.sh (as root) or install the Debian packages it names.`);
    process.exit(1);
  }

  const inventoryFile = process.env.INVENTORY ?? "inventory/sites.yaml";
  const inventory = loadInventory(inventoryFile);
  const dir = mkdtempSync(join(tmpdir(), "preview-"));
  const app = new App({ outdir: join(dir, "cdktf.out") });
  defineStacks(app, inventory);
  const files = renderedFiles(app);

  const processes = new Processes();
  let hub: Hub | undefined;
  let control: { url: string; close: () => void } | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping...");
    try {
      control?.close();
      await processes.stopAll();
      await hub?.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const p of processes.peaks.filter((p) => !Number.isNaN(p.peakRssKiB))) console.log(`  ${p.process} (pid ${p.pid}): peak RSS ${Math.round(p.peakRssKiB / 1024)} MiB`);
    process.exit(code);
  };
  process.once("SIGINT", () => void stop(0));
  process.once("SIGTERM", () => void stop(0));

  try {
    console.log(`Starting the hub for ${inventoryFile} (${fast ? "test intervals" : "production intervals"})...`);
    hub = await startHub({
      inventory,
      files,
      dir,
      processes,
      timing: fast ? TEST_TIMING : undefined,
      pushSites: true,
      // Ctrl-C reaches every process at once: an agent need not try for a minute to flush to a hub that is gone.
      agentFlags: ["--storage.remote.flush-deadline=2s"],
      onDelivery: printDelivery,
    });
    control = await startControl(hub);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    await stop(1);
    return;
  }

  const camera = inventory.sites.flatMap((s) => s.nodes.flatMap((n) => n.cameras.filter((c) => c.probe !== "icmp")))[0];
  const node = inventory.sites[0]?.nodes[0];
  console.log(
    [
      "",
      `Prometheus    ${hub.prometheus.url}/alerts   (targets: /targets, rules: /rules)`,
      `Alertmanager  ${hub.alertmanagerUrl}/#/alerts   (amtool --alertmanager.url=${hub.alertmanagerUrl} ...)`,
      `pushgateway   ${hub.pushgatewayUrl}   (echo 'connector_up 1' | curl --data-binary @- ${hub.pushgatewayUrl}/metrics/job/<connector>)`,
      `receivers     ${Object.keys(hub.receivers.urls).join(", ")}: each a local webhook; notifications print below`,
      "",
      "Take a camera or a whole node away and bring it back:",
      ...(camera ? [`  curl -X POST ${control.url}/camera/${camera.name}/down    (.../up)`] : []),
      ...(node ? [`  curl -X POST ${control.url}/node/${inventory.sites[0].name}/${node.name}/down    (.../up)`] : []),
      "",
      `Data and configs in ${dir} (removed on exit). Ctrl-C stops everything.`,
      "",
    ].join("\n"),
  );
}

main().catch((err) => {
  if (err instanceof InventoryError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
