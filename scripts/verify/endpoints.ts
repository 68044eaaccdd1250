// Where the hub's services answer, from the inventory: the address and port of
// hub.publish, over SSH when that address is a loopback one on the hub, and
// unreachable when the service is not published at all. A file of base URLs
// (VERIFY_ENDPOINTS) replaces any of them: tests, or a reverse proxy in front.
import { readFileSync } from "node:fs";
import { PORTS } from "../../constructs/ports";
import type { HubServiceName, Inventory } from "../../inventory/schema";
import { openTunnel, Tunnel } from "./tunnel";
import { SetupError } from "./types";

/** The hub services verify talks to (loki: its TLS gateway). */
export const SERVICES = ["prometheus", "alertmanager", "pushgateway", "loki", "grafana", "nodeExporter"] as const;
export type Service = (typeof SERVICES)[number];

export interface Endpoint {
  readonly service: Service;
  /** Base URL, e.g. https://192.168.1.10:9090; undefined when the service cannot be reached from here. */
  readonly url?: string;
  /** How it is reached, for the report: "192.168.1.10:9090", "ssh ops@hub.home.arpa → 127.0.0.1:9093", "VERIFY_ENDPOINTS". */
  readonly via: string;
  /** Why there is no URL. */
  readonly unreachable?: string;
}

export type EndpointMap = Readonly<Record<Service, Endpoint>>;

const PORT_OF: Record<Service, number> = {
  prometheus: PORTS.prometheus,
  alertmanager: PORTS.alertmanager,
  pushgateway: PORTS.pushgateway,
  loki: PORTS.loki,
  grafana: PORTS.grafana,
  nodeExporter: PORTS.nodeExporter,
};

const isLoopback = (address: string) => /^127\./.test(address) || address === "localhost";

/** A published service's host binding (node_exporter binds the hub's address itself when not listed). */
function binding(inv: Inventory, service: Service): { address: string; port: number } | undefined {
  const published = inv.hub.publish[service as HubServiceName];
  if (published) return { address: published.address, port: published.port ?? PORT_OF[service] };
  if (service === "nodeExporter") return { address: inv.hub.address, port: PORT_OF[service] };
  return undefined;
}

export interface OpenedEndpoints {
  readonly endpoints: EndpointMap;
  close(): Promise<void>;
}

export interface EndpointOptions {
  /** Base URLs by service that replace the inventory's (VERIFY_ENDPOINTS). */
  readonly overrides?: Partial<Record<Service, string>>;
  /** Only these services are needed (no tunnel is opened for the others). @default every service */
  readonly needed?: readonly Service[];
  /** Opens a tunnel; tests replace it. */
  readonly tunnel?: (dockerHost: string, host: string, port: number) => Promise<Tunnel>;
}

/** Resolves every needed endpoint, opening SSH tunnels for loopback bindings; close() stops them. */
export async function openEndpoints(inv: Inventory, o: EndpointOptions = {}): Promise<OpenedEndpoints> {
  const tunnels: Tunnel[] = [];
  const needed = new Set(o.needed ?? SERVICES);
  const resolve = async (service: Service): Promise<Endpoint> => {
    const override = o.overrides?.[service];
    if (override) return { service, url: override.replace(/\/+$/, ""), via: `${override.replace(/\/+$/, "")} (VERIFY_ENDPOINTS)` };
    const b = binding(inv, service);
    if (!b) return { service, via: "not published", unreachable: `the hub does not publish ${service} (hub.publish.${service}): add it, 127.0.0.1 is enough (verify reaches it over SSH)` };
    if (!isLoopback(b.address)) return { service, url: `https://${b.address}:${b.port}`, via: `${b.address}:${b.port}` };
    const via = `ssh ${inv.hub.dockerHost.replace(/^ssh:\/\//, "")} → ${b.address}:${b.port}`;
    if (!needed.has(service)) return { service, via, unreachable: "not needed" };
    try {
      const tunnel = await (o.tunnel ?? openTunnel)(inv.hub.dockerHost, b.address, b.port);
      tunnels.push(tunnel);
      // The hub's certificate names 127.0.0.1, so TLS verifies through the tunnel too.
      return { service, url: `https://${tunnel.localAddress}`, via };
    } catch (err) {
      return { service, via, unreachable: `${service} listens on ${b.address} on the hub and the SSH tunnel failed: ${(err as Error).message}` };
    }
  };
  const endpoints = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await resolve(s)] as const))) as Record<Service, Endpoint>;
  return { endpoints, close: async () => void (await Promise.all(tunnels.map((t) => t.close()))) };
}

/** Reads a VERIFY_ENDPOINTS file: {"prometheus": "https://127.0.0.1:20001", ...}. */
export function readEndpointOverrides(file: string): Partial<Record<Service, string>> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new SetupError(`cannot read the endpoints file ${file}: ${(err as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new SetupError(`${file}: expected an object of base URLs by service`);
  const result: Partial<Record<Service, string>> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (!(SERVICES as readonly string[]).includes(key)) throw new SetupError(`${file}: unknown service ${JSON.stringify(key)} (known: ${SERVICES.join(", ")})`);
    if (typeof value !== "string" || !/^https?:\/\/[^/\s]+\/?$/.test(value)) throw new SetupError(`${file}: ${key} must be a base URL such as https://127.0.0.1:9090, got ${JSON.stringify(value)}`);
    result[key as Service] = value;
  }
  return result;
}
