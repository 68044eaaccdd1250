// Prometheus's panels on Stack health: targets, and how its rules evaluate.
import type { DashboardPanels } from "../frames";
import { STACK_HEALTH_UID } from "../frames";
import { promQuery, stat, stateTimeline, timeseries, UP_DOWN } from "../common";

export function prometheusPanels(): DashboardPanels[] {
  return [
    {
      dashboard: STACK_HEALTH_UID,
      row: "Targets",
      panels: [
        stat({ title: "Targets down", description: "Scrape targets whose last scrape failed.", unit: "none" }, promQuery('count(up{site=~"$site"} == 0) or vector(0)', "down")),
        stateTimeline(
          { title: "Targets up", description: "Scrape result of every target, by site, node and service.", unit: "none" },
          UP_DOWN,
          promQuery('max by (site, node, service) (up{site=~"$site"})', "{{site}} / {{node}} / {{service}}"),
        ),
      ],
    },
    {
      dashboard: STACK_HEALTH_UID,
      row: "Rules and notifications",
      panels: [
        timeseries(
          { title: "Rule evaluation failures", description: "Failed rule evaluations per second, per rule group.", unit: "short" },
          promQuery("sum by (rule_group) (rate(prometheus_rule_evaluation_failures_total[$__rate_interval]))", "{{rule_group}}"),
        ),
        timeseries(
          { title: "Rule group evaluation time", description: "How long each rule group's last evaluation took.", unit: "s" },
          promQuery("max by (rule_group) (prometheus_rule_group_last_duration_seconds)", "{{rule_group}}"),
        ),
      ],
    },
  ];
}
