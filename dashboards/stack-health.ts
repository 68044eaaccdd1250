// The monitoring stack itself: targets, rule evaluation, notifications, disks
// and remote write from push sites.
import { DashboardBuilder, RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import type { ResolvedAlertSettings } from "../alert-rules/settings";
import { dashboard, labelVariable, promQuery, stat, stateTimeline, timeseries, UP_DOWN } from "./common";

export const STACK_HEALTH_UID = "home-stack-health";

export function stackHealthDashboard(s: ResolvedAlertSettings): DashboardBuilder {
  // The filesystems the disk alerts leave out, left out here too.
  const fs = `fstype!~"${s.ignoredFilesystems}"`;
  return dashboard(STACK_HEALTH_UID, "Stack health", "Is the monitoring stack itself working: targets, rules, notifications, disks, remote write.")
    .withVariable(labelVariable("site", "site", "up"))
    .withRow(new RowBuilder("Targets"))
    .withPanel(stat({ title: "Targets down", description: "Scrape targets whose last scrape failed.", unit: "none" }, promQuery('count(up{site=~"$site"} == 0) or vector(0)', "down")))
    .withPanel(
      stateTimeline(
        { title: "Targets up", description: "Scrape result of every target, by site, node and service.", unit: "none" },
        UP_DOWN,
        promQuery('max by (site, node, service) (up{site=~"$site"})', "{{site}} / {{node}} / {{service}}"),
      ),
    )
    .withRow(new RowBuilder("Rules and notifications"))
    .withPanel(
      timeseries(
        { title: "Rule evaluation failures", description: "Failed rule evaluations per second, per rule group.", unit: "short" },
        promQuery("sum by (rule_group) (rate(prometheus_rule_evaluation_failures_total[$__rate_interval]))", "{{rule_group}}"),
      ),
    )
    .withPanel(
      timeseries(
        { title: "Rule group evaluation time", description: "How long each rule group's last evaluation took.", unit: "s" },
        promQuery("max by (rule_group) (prometheus_rule_group_last_duration_seconds)", "{{rule_group}}"),
      ),
    )
    .withPanel(
      timeseries(
        { title: "Notifications sent and failed", description: "Alertmanager notifications per second, per integration.", unit: "short" },
        promQuery("sum by (integration) (rate(alertmanager_notifications_total[$__rate_interval]))", "{{integration}} sent", "A"),
        promQuery("sum by (integration) (rate(alertmanager_notifications_failed_total[$__rate_interval]))", "{{integration}} failed", "B"),
      ),
    )
    .withRow(new RowBuilder("Disks and remote write"))
    .withPanel(
      timeseries(
        { title: "Free disk space", description: "Free space per filesystem on the hub and the nodes (tmpfs and overlays left out).", unit: "percentunit" },
        promQuery(
          `min by (site, node, mountpoint) (node_filesystem_avail_bytes{${fs}, site=~"$site"} / node_filesystem_size_bytes{${fs}, site=~"$site"})`,
          "{{site}} / {{node}} {{mountpoint}}",
        ),
      ),
    )
    .withPanel(
      timeseries(
        { title: "Remote-write lag of push sites", description: "How far each push node's agent is behind in sending samples to the hub.", unit: "s" },
        promQuery(
          'max by (site, node) (prometheus_remote_storage_highest_timestamp_in_seconds{site=~"$site"} - ignoring(remote_name, url) group_right prometheus_remote_storage_queue_highest_sent_timestamp_seconds{site=~"$site"})',
          "{{site}} / {{node}}",
        ),
      ),
    );
}
