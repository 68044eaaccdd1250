import type { Inventory } from "../inventory/schema";

/**
 * What synth prints (and does not refuse) about weakened security: a site with
 * TLS turned off is allowed for a lab, but nobody should miss it.
 */
export function securityWarnings(inv: Inventory, inventoryFile: string): string[] {
  return inv.sites.flatMap((site, i) =>
    site.tls
      ? []
      : [
          `WARNING ${inventoryFile} sites[${i}].tls: TLS is off for site ${JSON.stringify(site.name)}: ` +
            `its exporters' basic-auth passwords and metrics cross its network in clear text, and its edge and log agents serve metrics without authentication. Use it for a lab only.`,
        ],
  );
}
