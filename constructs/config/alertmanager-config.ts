import { isTerraformVariableName, TERRAFORM_VARIABLE_NAME_RULE } from "../value-types";
import { literalInGoTemplate } from "./go-template";
import { toYaml } from "./yaml";

export type ReceiverConfig =
  | { readonly name: string; readonly type: "webhook"; readonly urlVariable: string }
  | { readonly name: string; readonly type: "email"; readonly to: string; readonly from: string; readonly smarthost: string; readonly username: string; readonly passwordVariable: string }
  | { readonly name: string; readonly type: "pushover"; readonly userKeyVariable: string; readonly tokenVariable: string }
  | { readonly name: string; readonly type: "msteams"; readonly urlVariable: string };

/** Alerts matching `targetMatchers` are muted while one matching `sourceMatchers` fires with the same `equal` labels. */
export interface InhibitRule {
  readonly sourceMatchers: readonly string[];
  readonly targetMatchers: readonly string[];
  /** Labels that must be equal on source and target. */
  readonly equal: readonly string[];
}

export interface MaintenanceWindow {
  /** Weekdays or ranges (monday:friday). @default - every day */
  readonly weekdays?: readonly string[];
  /** HH:MM */
  readonly start: string;
  /** HH:MM */
  readonly end: string;
  /** IANA time zone. */
  readonly location: string;
}

export interface AlertmanagerConfig {
  readonly receivers: readonly ReceiverConfig[];
  /** Receivers per severity, in notification order. */
  readonly routes: { readonly critical: readonly string[]; readonly warning: readonly string[]; readonly info: readonly string[] };
  /** Receiver of the always-firing Watchdog alert. @default - Watchdog is dropped */
  readonly heartbeat?: string;
  /** @default 30 */
  readonly groupWaitSeconds?: number;
  /** group_wait of critical routes: pages should not wait long for company. @default 10 */
  readonly criticalGroupWaitSeconds?: number;
  /** group_interval of critical routes: a second camera of a site going dark is told this soon. @default 30 */
  readonly criticalGroupIntervalSeconds?: number;
  /** @default 300 */
  readonly groupIntervalSeconds?: number;
  /** @default 4 */
  readonly repeatIntervalHours?: number;
  /** How often the heartbeat receiver hears from Watchdog. @default 60 */
  readonly heartbeatIntervalSeconds?: number;
  /** Directory in the container holding one file per secret variable. */
  readonly secretsDir: string;
  /** @default [] */
  readonly inhibitRules?: readonly InhibitRule[];
  /** Sites' recurring maintenance windows, muting their notifications. @default [] */
  readonly maintenance?: readonly { readonly site: string; readonly windows: readonly MaintenanceWindow[] }[];
}

/** Receiver with no integrations: what is routed there is dropped on purpose. */
export const BLACKHOLE = "blackhole";

export const maintenanceIntervalName = (site: string) => `maintenance-${site}`;

/** Secret variables the receivers read from files, in the order they appear. */
export function receiverSecrets(receivers: readonly ReceiverConfig[]): string[] {
  return [
    ...new Set(
      receivers.flatMap((r) => {
        switch (r.type) {
          case "webhook":
          case "msteams":
            return [r.urlVariable];
          case "email":
            return [r.passwordVariable];
          case "pushover":
            return [r.userKeyVariable, r.tokenVariable];
        }
      }),
    ),
  ];
}

/** Notification timings unless a deployment sets its own (docs/alert-latency.md explains the critical ones). */
export const ALERTMANAGER_TIMINGS = {
  groupWaitSeconds: 30,
  criticalGroupWaitSeconds: 10,
  criticalGroupIntervalSeconds: 30,
  groupIntervalSeconds: 300,
  repeatIntervalHours: 4,
  heartbeatIntervalSeconds: 60,
} as const;

/** What is wrong with a config before it is rendered: receivers routes name, a critical receiver, secret variable names. */
export function alertmanagerConfigProblems(cfg: Omit<AlertmanagerConfig, "secretsDir">): string[] {
  const problems: string[] = [];
  const names = new Set(cfg.receivers.map((r) => r.name));
  const seen = new Set<string>();
  for (const r of cfg.receivers) {
    if (seen.has(r.name) || r.name === BLACKHOLE) problems.push(`receiver name ${JSON.stringify(r.name)} is used twice (or is the reserved ${BLACKHOLE})`);
    seen.add(r.name);
  }
  if (cfg.routes.critical.length === 0) problems.push("routes.critical must name at least one receiver: every alert without a known severity goes there, got []");
  for (const severity of ["critical", "warning", "info"] as const)
    for (const name of cfg.routes[severity]) if (!names.has(name)) problems.push(`routes.${severity} names receiver ${JSON.stringify(name)}, which is not in receivers (${[...names].join(", ")})`);
  if (cfg.heartbeat !== undefined && !names.has(cfg.heartbeat)) problems.push(`heartbeat names receiver ${JSON.stringify(cfg.heartbeat)}, which is not in receivers`);
  for (const variable of receiverSecrets(cfg.receivers)) if (!isTerraformVariableName(variable)) problems.push(`secret variable name ${TERRAFORM_VARIABLE_NAME_RULE}, got ${JSON.stringify(variable)}`);
  return problems;
}

/**
 * Renders alertmanager.yml for Alertmanager 0.28+ (the deployed image): secrets
 * are read from files (`*_file`), Teams uses `msteamsv2_configs` (Workflows
 * webhooks; Microsoft retired the connectors `msteams_configs` targets).
 */
export function renderAlertmanagerConfig(config: AlertmanagerConfig): string {
  const cfg = { ...ALERTMANAGER_TIMINGS, ...config };
  const severityRoutes = (["critical", "warning", "info"] as const).flatMap((severity) => {
    const names = cfg.routes[severity].length > 0 ? cfg.routes[severity] : [BLACKHOLE];
    // One child route per receiver; all but the last `continue` so every receiver is told.
    return names.map((receiver, i) => ({
      matchers: [`severity="${severity}"`],
      receiver,
      ...(severity === "critical" ? { group_wait: `${cfg.criticalGroupWaitSeconds}s`, group_interval: `${cfg.criticalGroupIntervalSeconds}s` } : {}),
      ...(i < names.length - 1 ? { continue: true } : {}),
    }));
  });
  const maintenance = (cfg.maintenance ?? []).filter((m) => m.windows.length > 0);
  const secretFile = (variable: string) => `${cfg.secretsDir}/${variable}`;

  const doc: Record<string, unknown> = {
    route: {
      // Anything without a known severity still reaches the first critical receiver.
      receiver: cfg.routes.critical[0],
      group_by: ["alertname", "site"],
      group_wait: `${cfg.groupWaitSeconds}s`,
      group_interval: `${cfg.groupIntervalSeconds}s`,
      repeat_interval: `${cfg.repeatIntervalHours}h`,
      routes: [
        // First, so maintenance never mutes the dead man's switch.
        {
          matchers: ['alertname="Watchdog"'],
          receiver: cfg.heartbeat ?? BLACKHOLE,
          group_wait: "0s",
          // Repeats are only checked at group flushes: a short flush keeps the
          // heartbeat close to its interval instead of up to twice it.
          group_interval: "10s",
          repeat_interval: `${cfg.heartbeatIntervalSeconds}s`,
        },
        ...maintenance.map((m) => ({ matchers: [`site="${m.site}"`], mute_time_intervals: [maintenanceIntervalName(m.site)], routes: severityRoutes })),
        ...severityRoutes,
      ],
    },
  };
  if (cfg.inhibitRules && cfg.inhibitRules.length > 0)
    doc.inhibit_rules = cfg.inhibitRules.map((r) => ({ source_matchers: [...r.sourceMatchers], target_matchers: [...r.targetMatchers], equal: [...r.equal] }));
  if (maintenance.length > 0)
    doc.time_intervals = maintenance.map((m) => ({
      name: maintenanceIntervalName(m.site),
      time_intervals: m.windows.map((w) => ({
        ...(w.weekdays ? { weekdays: [...w.weekdays] } : {}),
        times: [{ start_time: w.start, end_time: w.end }],
        location: w.location,
      })),
    }));
  doc.receivers = [{ name: BLACKHOLE }, ...cfg.receivers.map((r) => renderReceiver(r, secretFile))];
  return toYaml(doc);
}

function renderReceiver(r: ReceiverConfig, secretFile: (variable: string) => string): Record<string, unknown> {
  switch (r.type) {
    case "webhook":
      return { name: r.name, webhook_configs: [{ url_file: secretFile(r.urlVariable), send_resolved: true }] };
    case "email":
      return {
        name: r.name,
        email_configs: [{ to: literalInGoTemplate(r.to), from: literalInGoTemplate(r.from), smarthost: r.smarthost, auth_username: r.username, auth_password_file: secretFile(r.passwordVariable), require_tls: true, send_resolved: true }],
      };
    case "pushover":
      return { name: r.name, pushover_configs: [{ user_key_file: secretFile(r.userKeyVariable), token_file: secretFile(r.tokenVariable), send_resolved: true }] };
    case "msteams":
      return { name: r.name, msteamsv2_configs: [{ webhook_url_file: secretFile(r.urlVariable), send_resolved: true }] };
  }
}
