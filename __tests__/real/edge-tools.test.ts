// Slow tests: the edge stacks' configs on the real binaries from Debian (promtool
// 2.42, blackbox_exporter). The same configs' structure is checked without them in
// __tests__/edge-stacks.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { defineStacks } from "../../stacks/app";
import { renderedFiles } from "../../stacks/rendered-files";
import { grownDocument, inventoryFrom, ROOT } from "../support/example";
import { installService } from "../support/install";
import { freePort, start, waitUntilReady } from "../support/processes";
import { runTool } from "../support/tools";

describe("adding a site (slow)", () => {
  it("keeps the hub's prometheus.yml valid for promtool", () => {
    const dir = mkdtempSync(join(tmpdir(), "grown-hub-"));
    try {
      const app = new App({ outdir: join(dir, "cdktf.out") });
      defineStacks(app, inventoryFrom(grownDocument()));
      const installed = installService(renderedFiles(app), "hub/prometheus", "/etc/prometheus", join(dir, "prometheus"), () => "placeholder");
      const { code, output } = runTool("promtool", ["check", "config", installed.get("prometheus.yml")!]);
      expect({ code, output }).toEqual({ code: 0, output: expect.not.stringContaining("FAILED") });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("push-mode agent config (slow)", () => {
  it("passes promtool check config --agent", () => {
    const { code, output } = runTool("promtool", ["check", "config", "--agent", join(ROOT, "rendered", "edge-cabin-lodge", "prometheus-agent", "prometheus.yml")]);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining("SUCCESS") });
  });
});

describe("blackbox_exporter with the rendered blackbox.yml (slow)", () => {
  let camera: Server;
  let cameraPort: number;
  let exporter: ReturnType<typeof start>;
  let exporterPort: number;

  beforeAll(async () => {
    cameraPort = await freePort();
    camera = createServer((_req, res) => res.writeHead(200).end("camera web ui"));
    await new Promise<void>((resolve) => camera.listen(cameraPort, "127.0.0.1", resolve));
    exporterPort = await freePort();
    exporter = start("prometheus-blackbox-exporter", [
      `--config.file=${join(ROOT, "rendered", "edge-home-porch", "blackbox-exporter", "blackbox.yml")}`,
      `--web.listen-address=127.0.0.1:${exporterPort}`,
    ]);
    await waitUntilReady(`http://127.0.0.1:${exporterPort}/-/healthy`, exporter);
  });
  afterAll(async () => {
    await exporter?.stop();
    camera?.closeAllConnections();
    await new Promise((r) => camera?.close(r));
  });

  const probe = async (module: string, target: string) => {
    const body = await (await fetch(`http://127.0.0.1:${exporterPort}/probe?module=${module}&target=${encodeURIComponent(target)}`)).text();
    return /^probe_success (\d)/m.exec(body)?.[1];
  };

  it("reports a camera up while it answers and down once it stops (HTTP and TCP modules)", async () => {
    expect(await probe("camera_http", `http://127.0.0.1:${cameraPort}/`)).toBe("1");
    expect(await probe("camera_tcp", `127.0.0.1:${cameraPort}`)).toBe("1");
    camera.closeAllConnections();
    await new Promise((r) => camera.close(r));
    expect(await probe("camera_http", `http://127.0.0.1:${cameraPort}/`)).toBe("0");
    expect(await probe("camera_tcp", `127.0.0.1:${cameraPort}`)).toBe("0");
  });
});
