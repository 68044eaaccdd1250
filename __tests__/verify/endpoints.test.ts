// Where verify reaches the hub's services: the inventory's published addresses,
// an SSH tunnel for loopback ones, nothing for unpublished ones; a file replaces any.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEndpoints, readEndpointOverrides } from "../../scripts/verify/endpoints";
import { sshArguments } from "../../scripts/verify/tunnel";
import { exampleDocument, exampleInventory, inventoryFrom } from "../support/example";

describe("verify: endpoints", () => {
  it("reaches published services at their address, and loopback ones through an SSH tunnel to the hub", async () => {
    const tunnels: string[] = [];
    const { endpoints, close } = await openEndpoints(exampleInventory(), {
      tunnel: async (dockerHost, host, port) => {
        tunnels.push(`${dockerHost} ${host}:${port}`);
        return { localAddress: "127.0.0.1:40001", close: async () => void tunnels.push("closed") };
      },
    });
    expect(endpoints.prometheus).toEqual({ service: "prometheus", url: "https://192.168.1.10:9090", via: "192.168.1.10:9090" });
    expect(endpoints.loki.url).toBe("https://192.168.1.10:3100");
    // The example publishes Alertmanager on the hub's 127.0.0.1 only.
    expect(endpoints.alertmanager).toEqual({ service: "alertmanager", url: "https://127.0.0.1:40001", via: "ssh ops@hub.home.arpa → 127.0.0.1:9093" });
    expect(tunnels).toEqual(["ssh://ops@hub.home.arpa 127.0.0.1:9093"]);
    await close();
    expect(tunnels).toEqual(["ssh://ops@hub.home.arpa 127.0.0.1:9093", "closed"]);
  });

  it("says what to do about an unpublished service, a failed tunnel, and opens no tunnel that is not needed", async () => {
    const doc = exampleDocument();
    delete doc.hub.publish.pushgateway;
    let opened = 0;
    const { endpoints } = await openEndpoints(inventoryFrom(doc), {
      needed: ["prometheus", "alertmanager"],
      tunnel: async () => {
        opened++;
        throw new Error("ssh hub.home.arpa exited: Permission denied (publickey)");
      },
    });
    expect(endpoints.pushgateway).toMatchObject({ unreachable: expect.stringMatching(/^the hub does not publish pushgateway \(hub\.publish\.pushgateway\): add it, 127\.0\.0\.1 is enough/) });
    expect(endpoints.alertmanager.unreachable).toBe("alertmanager listens on 127.0.0.1 on the hub and the SSH tunnel failed: ssh hub.home.arpa exited: Permission denied (publickey)");
    expect(opened).toBe(1);
  });

  it("takes base URLs from a file instead, and rejects anything else in it", () => {
    const dir = mkdtempSync(join(tmpdir(), "verify-endpoints-"));
    try {
      writeFileSync(join(dir, "ok.json"), JSON.stringify({ prometheus: "https://127.0.0.1:20001/", grafana: "https://127.0.0.1:20002" }));
      expect(readEndpointOverrides(join(dir, "ok.json"))).toEqual({ prometheus: "https://127.0.0.1:20001/", grafana: "https://127.0.0.1:20002" });
      writeFileSync(join(dir, "bad.json"), JSON.stringify({ prometeus: "https://127.0.0.1:1" }));
      expect(() => readEndpointOverrides(join(dir, "bad.json"))).toThrow('unknown service "prometeus"');
      writeFileSync(join(dir, "path.json"), JSON.stringify({ prometheus: "https://127.0.0.1:1/api" }));
      expect(() => readEndpointOverrides(join(dir, "path.json"))).toThrow("prometheus must be a base URL");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("forwards with ssh in batch mode, failing when the forward cannot be set up, to the Docker host's user and port", () => {
    expect(sshArguments("ssh://pi@cabin-lodge.tailnet.example:2222", 40001, "127.0.0.1", 9093)).toEqual([
      "-N", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-o", "ConnectTimeout=10", "-p", "2222", "-L", "127.0.0.1:40001:127.0.0.1:9093", "pi@cabin-lodge.tailnet.example",
    ]);
    expect(sshArguments("ssh://hub.home.arpa", 1, "127.0.0.2", 3000).slice(-2)).toEqual(["127.0.0.1:1:127.0.0.2:3000", "hub.home.arpa"]);
  });
});
