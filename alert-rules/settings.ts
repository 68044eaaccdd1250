// Thresholds, `for` durations and the metric names the rules rely on. Every
// field has a documented default; a deployment overrides only what it must.

export interface AlertSettings {
  /** Selector of the blackbox camera probes (edge issue: job "camera-probe"). @default 'job="camera-probe"' */
  readonly cameraProbeSelector?: string;
  /**
   * How long CameraOffline waits after the window's probes have all failed (at
   * least two in a row). "0s" pages at once; raise it to page only for longer outages. @default "0s"
   */
  readonly cameraOfflineFor?: string;
  /**
   * How long CameraOffline keeps firing after the camera answers again: longer than the
   * critical routes' group_wait (10 s), for Alertmanager notifies a new group only if
   * it still fires at its first flush; two missed probes and a quick recovery would
   * otherwise never page. @default "15s"
   */
  readonly cameraOfflineKeepFiringFor?: string;
  /**
   * Evaluation interval of the camera rules. Below probe interval − probe timeout − 1 s
   * (the blackbox exporters' probeIntervalSeconds and probeTimeoutSeconds),
   * so an evaluation always sees two failed probes that are followed by a good one. @default 5
   */
  readonly cameraEvaluationSeconds?: number;
  /** Camera hub gauge, 1 when it reaches a camera, with a `camera` label. @default "tapo_camera_online" */
  readonly cameraHubOnlineMetric?: string;
  /** @default "2m" */
  readonly cameraHubOfflineFor?: string;
  /** Edge agent gauge: Unix time of a sensor's last update, with a `sensor` label. @default "sensor_last_update_timestamp_seconds" */
  readonly sensorLastUpdateMetric?: string;
  /** How long a node exporter must be unreachable. @default "2m" */
  readonly nodeDownFor?: string;
  /** A push node counts as silent when it sent data within this window but not now. @default "1h" */
  readonly nodeSilentLookback?: string;
  /** Seconds the remote-write queue may lag behind the newest sample. @default 120 */
  readonly remoteWriteLagSeconds?: number;
  /** @default "10m" */
  readonly remoteWriteBehindFor?: string;
  /** Free-space fraction below which a filesystem alerts. @default 0.1 */
  readonly diskFreeRatio?: number;
  /** Hours ahead for the disk-full prediction. @default 24 */
  readonly diskFullPredictionHours?: number;
  /** Filesystems left out of disk alerts. @default "tmpfs|overlay|squashfs|devtmpfs" */
  readonly ignoredFilesystems?: string;
  /** @default "5m" */
  readonly targetDownFor?: string;
  /** Window over which failures (rules, notifications, Loki ingestion) are counted. @default "10m" */
  readonly failureWindow?: string;
  /** Window in which one critical log line is enough to alert. @default "5m" */
  readonly criticalLogWindow?: string;
  /**
   * Days of validity left below which a certificate alerts. Any deploy in a host
   * certificate's last 30 days renews it (security/pki.ts), so at 21 days left
   * nobody has deployed for 9 days of that window. @default 21
   */
  readonly certificateExpiryDays?: number;
  /** Restarts within containerRestartWindow at which a container alerts. @default 3 */
  readonly containerRestarts?: number;
  /** @default "15m" */
  readonly containerRestartWindow?: string;
  /** Fraction of its memory limit above which a container alerts (after 15m). @default 0.9 */
  readonly containerMemoryRatio?: number;
}

export type ResolvedAlertSettings = Required<AlertSettings>;

export function resolveAlertSettings(settings: AlertSettings = {}): ResolvedAlertSettings {
  return {
    cameraProbeSelector: 'job="camera-probe"',
    cameraOfflineFor: "0s",
    cameraOfflineKeepFiringFor: "15s",
    cameraEvaluationSeconds: 5,
    cameraHubOnlineMetric: "tapo_camera_online",
    cameraHubOfflineFor: "2m",
    sensorLastUpdateMetric: "sensor_last_update_timestamp_seconds",
    nodeDownFor: "2m",
    nodeSilentLookback: "1h",
    remoteWriteLagSeconds: 120,
    remoteWriteBehindFor: "10m",
    diskFreeRatio: 0.1,
    diskFullPredictionHours: 24,
    ignoredFilesystems: "tmpfs|overlay|squashfs|devtmpfs",
    targetDownFor: "5m",
    failureWindow: "10m",
    criticalLogWindow: "5m",
    certificateExpiryDays: 21,
    containerRestarts: 3,
    containerRestartWindow: "15m",
    containerMemoryRatio: 0.9,
    ...settings,
  };
}

/** Seconds in a Prometheus duration (for thresholds compared with `time()`). */
export function durationSeconds(duration: string): number {
  const units: Record<string, number> = { y: 31536000, w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) total += Number(amount) * units[unit];
  return total;
}

/** Groups by staleAfter so one rule covers every sensor that shares a threshold. */
export function byThreshold<T extends { staleAfter: string }>(items: readonly T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.staleAfter, [...(groups.get(item.staleAfter) ?? []), item]);
  return [...groups.entries()].sort(([a], [b]) => durationSeconds(a) - durationSeconds(b));
}
