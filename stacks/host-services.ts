// What runs on every Docker host, the hub and each edge node alike. A stack
// scrapes what this returns like its other services; on a pull node, those
// without TLS or credentials of their own go behind the node's metrics gateway.
import { Construct } from "constructs";
import type { HostBinding, HostContext, WebAccess } from "../constructs/common-props";
import { CAdvisor } from "../constructs/cadvisor";
import { NodeExporter } from "../constructs/node-exporter";
import type { Scrapeable } from "../constructs/scrape";

/** Where a host's services listen and who may call them. */
export interface HostPlacement {
  /** The address services with TLS and credentials of their own bind: the host's, or 127.0.0.1 on a push node. */
  readonly address: string;
  /** @default 9100 */
  readonly nodeExporterPort?: number;
  /** Where services without TLS or credentials are published. @default - not published: the stack network, or the node's gateway */
  readonly plainPublish?: HostBinding;
  /** Who may scrape the services that check credentials, and the certificate they serve. */
  readonly access: WebAccess;
}

export function everyHostServices(scope: Construct, context: HostContext, host: HostPlacement): Scrapeable[] {
  return [
    new NodeExporter(scope, "node-exporter", { ...context, listenAddress: host.address, port: host.nodeExporterPort, access: host.access }),
    new CAdvisor(scope, "cadvisor", { ...context, publish: host.plainPublish }),
  ];
}

/** Whether a component's metrics need a gateway in front: no TLS and no credentials of its own. */
export const servesPlainMetrics = (component: Scrapeable): boolean => component.metricsEndpoints({}).every((e) => e.check === "none");
