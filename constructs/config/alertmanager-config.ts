import { secretRef } from "./terraform-content";
import { toYaml } from "./yaml";

export type ReceiverConfig =
  | { readonly name: string; readonly type: "webhook"; readonly urlVariable: string }
  | { readonly name: string; readonly type: "email"; readonly to: string; readonly from: string; readonly smarthost: string; readonly username: string; readonly passwordVariable: string }
  | { readonly name: string; readonly type: "pushover"; readonly userKeyVariable: string; readonly tokenVariable: string }
  | { readonly name: string; readonly type: "msteams"; readonly urlVariable: string };

export interface AlertmanagerConfig {
  readonly receivers: readonly ReceiverConfig[];
  /** Receivers per severity, in notification order. */
  readonly routes: { readonly critical: readonly string[]; readonly warning: readonly string[]; readonly info: readonly string[] };
  /** Receiver of the always-firing Watchdog alert. @default - Watchdog is dropped */
  readonly heartbeat?: string;
  readonly groupWaitSeconds: number;
  readonly groupIntervalSeconds: number;
  readonly repeatIntervalHours: number;
  /** How often the heartbeat receiver hears from Watchdog. */
  readonly heartbeatIntervalSeconds: number;
}

/** Receiver with no integrations: what is routed there is dropped on purpose. */
export const BLACKHOLE = "blackhole";

/**
 * Renders alertmanager.yml. Secrets appear as `${var.NAME}` placeholders, filled in
 * by Terraform on upload. The file stays inside what Alertmanager 0.25 and 0.28+
 * both accept, except `msteams_configs` (0.26+), which tests check separately.
 */
export function renderAlertmanagerConfig(cfg: AlertmanagerConfig): string {
  const severityRoutes = (["critical", "warning", "info"] as const).flatMap((severity) => {
    const names = cfg.routes[severity].length > 0 ? cfg.routes[severity] : [BLACKHOLE];
    // One child route per receiver; all but the last `continue` so every receiver is told.
    return names.map((receiver, i) => ({
      matchers: [`severity="${severity}"`],
      receiver,
      ...(i < names.length - 1 ? { continue: true } : {}),
    }));
  });
  return toYaml({
    route: {
      // Anything without a known severity still reaches the first critical receiver.
      receiver: cfg.routes.critical[0],
      group_by: ["alertname", "site"],
      group_wait: `${cfg.groupWaitSeconds}s`,
      group_interval: `${cfg.groupIntervalSeconds}s`,
      repeat_interval: `${cfg.repeatIntervalHours}h`,
      routes: [
        {
          matchers: ['alertname="Watchdog"'],
          receiver: cfg.heartbeat ?? BLACKHOLE,
          group_wait: "0s",
          group_interval: `${cfg.heartbeatIntervalSeconds}s`,
          repeat_interval: `${cfg.heartbeatIntervalSeconds}s`,
        },
        ...severityRoutes,
      ],
    },
    receivers: [{ name: BLACKHOLE }, ...cfg.receivers.map(renderReceiver)],
  });
}

function renderReceiver(r: ReceiverConfig): Record<string, unknown> {
  switch (r.type) {
    case "webhook":
      return { name: r.name, webhook_configs: [{ url: secretRef(r.urlVariable), send_resolved: true }] };
    case "email":
      return {
        name: r.name,
        email_configs: [{ to: r.to, from: r.from, smarthost: r.smarthost, auth_username: r.username, auth_password: secretRef(r.passwordVariable), require_tls: true, send_resolved: true }],
      };
    case "pushover":
      return { name: r.name, pushover_configs: [{ user_key: secretRef(r.userKeyVariable), token: secretRef(r.tokenVariable), send_resolved: true }] };
    case "msteams":
      return { name: r.name, msteams_configs: [{ webhook_url: secretRef(r.urlVariable), send_resolved: true }] };
  }
}
