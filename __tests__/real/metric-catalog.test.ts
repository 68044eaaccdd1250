// The dashboards' metric catalog, checked against the real exporters that run
// here (Debian packages): a renamed metric would leave a panel blank.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../support/example";
import { METRIC_SOURCES } from "../support/metric-catalog";
import { freePort, start, Started, waitUntilReady } from "../support/processes";

const metricNames = (text: string) => new Set(text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(/[{ ]/)[0]));

describe("metric catalog against the real exporters (slow)", () => {
  const started: Started[] = [];
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "catalog-"));
  });
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
    rmSync(work, { recursive: true, force: true });
  });

  async function run(command: string, args: (port: number) => string[]): Promise<number> {
    const port = await freePort();
    const process = start(command, args(port));
    started.push(process);
    await waitUntilReady(`http://127.0.0.1:${port}/metrics`, process);
    return port;
  }
  const scrape = async (url: string) => metricNames(await (await fetch(url)).text());

  it("node_exporter exports the node metrics the dashboards use", async () => {
    const port = await run("prometheus-node-exporter", (p) => [`--web.listen-address=127.0.0.1:${p}`]);
    const names = await scrape(`http://127.0.0.1:${port}/metrics`);
    expect(METRIC_SOURCES["node-exporter"].filter((m) => !names.has(m))).toEqual([]);
  });

  it("blackbox_exporter's /probe answers with the probe metrics", async () => {
    const port = await run("prometheus-blackbox-exporter", (p) => [
      `--config.file=${join(ROOT, "rendered", "edge-home-porch", "blackbox-exporter", "blackbox.yml")}`,
      `--web.listen-address=127.0.0.1:${p}`,
    ]);
    const names = await scrape(`http://127.0.0.1:${port}/probe?module=camera_tcp&target=127.0.0.1:${port}`);
    expect(METRIC_SOURCES["blackbox-exporter"].filter((m) => !names.has(m))).toEqual([]);
  });

  it("the pushgateway records push_time_seconds for a push", async () => {
    const port = await run("prometheus-pushgateway", (p) => [`--web.listen-address=127.0.0.1:${p}`, `--persistence.file=${join(work, "pg.db")}`]);
    await fetch(`http://127.0.0.1:${port}/metrics/job/nest`, { method: "PUT", body: "nest_up 1\n" });
    const names = await scrape(`http://127.0.0.1:${port}/metrics`);
    expect(METRIC_SOURCES.connectors.filter((m) => !names.has(m))).toEqual([]);
  });

  it("Alertmanager exports its notification counters", async () => {
    const config = join(work, "am.yml");
    writeFileSync(config, "route: {receiver: r}\nreceivers: [{name: r, webhook_configs: [{url: 'http://127.0.0.1:9/'}]}]\n");
    const port = await run("prometheus-alertmanager", (p) => [
      `--config.file=${config}`,
      `--storage.path=${join(work, "am")}`,
      `--web.listen-address=127.0.0.1:${p}`,
      "--cluster.listen-address=",
    ]);
    const names = await scrape(`http://127.0.0.1:${port}/metrics`);
    expect(METRIC_SOURCES.alertmanager.filter((m) => !names.has(m))).toEqual([]);
  });
});
