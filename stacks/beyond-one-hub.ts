// Where the options of "When one hub is not enough" (README) land: Alertmanager
// replicas, Loki's containers and the long-term stores, derived from the
// inventory once so the hub, edge and Grafana stacks agree.
import type { AlertmanagerCluster } from "../constructs/alertmanager";
import type { AlertmanagerConfig } from "../constructs/config/alertmanager-config";
import { inhibitionRules } from "../constructs/config/inhibitions";
import type { Inventory } from "../inventory/schema";
import { edgeHostName, HUB_HOST } from "../security/pki";

/** Everyone who calls an Alertmanager: people, Prometheus, Loki's ruler and Grafana. */
export const ALERTMANAGER_USERS = ["operator", "prometheus", "loki", "grafana"] as const;

/** Receivers, routes and timings: the same on every replica. */
export function alertmanagerSettings(inv: Inventory): Omit<AlertmanagerConfig, "secretsDir"> {
  const { alerting } = inv;
  return {
    receivers: alerting.receivers,
    routes: alerting.routes,
    heartbeat: alerting.heartbeat,
    // Notification timings: the component's defaults (ALERTMANAGER_TIMINGS).
    inhibitRules: inhibitionRules(),
    maintenance: inv.sites.map((site) => ({ site: site.name, windows: site.maintenance })),
  };
}

export interface AlertmanagerReplica {
  /** alertmanager (the first), alertmanager-2, alertmanager-3: container and construct name. */
  readonly serviceName: string;
  /** "hub", or the edge node's stack name. */
  readonly stack: string;
  /** Certificate the replica serves and gossips with. */
  readonly tlsHost: string;
  /** Where the inventory binds a cluster replica; the single one is reached at its construct's `address`. */
  readonly address?: string;
  /** Set when there is more than one replica. */
  readonly cluster?: AlertmanagerCluster;
}

/** One replica (today's single Alertmanager, on the hub's network), or the cluster the inventory lists. */
export function alertmanagerReplicas(inv: Inventory): AlertmanagerReplica[] {
  const peers = inv.hub.alertmanager.replicas > 1 ? (inv.hub.alertmanager.peers ?? []) : [];
  if (peers.length === 0) return [{ serviceName: "alertmanager", stack: "hub", tlsHost: HUB_HOST }];
  return peers.map((peer, i) => {
    const [site, node] = peer.host === "hub" ? ["hub", "hub"] : peer.host.split("/");
    const stack = peer.host === "hub" ? "hub" : edgeHostName(site, node);
    return {
      serviceName: i === 0 ? "alertmanager" : `alertmanager-${i + 1}`,
      stack,
      tlsHost: stack === "hub" ? HUB_HOST : stack,
      address: `${peer.address}:${peer.port}`,
      cluster: {
        address: peer.address,
        port: peer.port,
        clusterPort: peer.clusterPort,
        peers: peers.filter((_, j) => j !== i).map((other) => `${other.address}:${other.clusterPort}`),
      },
    };
  });
}

/** Loki needs a route out: to its bucket, or to Alertmanager replicas on host addresses. */
export const lokiNeedsEgress = (inv: Inventory) => inv.hub.logs.storage.type === "s3" || inv.hub.alertmanager.replicas > 1;
