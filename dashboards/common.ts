// Shared pieces of every dashboard: the datasource UIDs the grafana stack
// provisions, the site variable, and query helpers.
import { DataSourceRef } from "@grafana/grafana-foundation-sdk/common";
import { QueryVariableBuilder, VariableRefresh, VariableSort } from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder as LokiQuery } from "@grafana/grafana-foundation-sdk/loki";
import { DataqueryBuilder as PromQuery } from "@grafana/grafana-foundation-sdk/prometheus";

/** Fixed datasource UIDs: dashboards refer to these, the grafana stack creates them. */
export const DATASOURCE_UIDS = { prometheus: "prometheus", loki: "loki", alertmanager: "alertmanager" } as const;

export const PROMETHEUS: DataSourceRef = { type: "prometheus", uid: DATASOURCE_UIDS.prometheus };
export const LOKI: DataSourceRef = { type: "loki", uid: DATASOURCE_UIDS.loki };

/** Tags every generated dashboard carries, so they can be told from hand-made ones. */
export const COMMON_TAGS = ["home-observability", "generated"];

/** A multi-value variable over the values of `label` in `metric` (e.g. site of probe_success). */
export function labelVariable(name: string, label: string, metric: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(name)
    .datasource(PROMETHEUS)
    .query(`label_values(${metric}, ${label})`)
    .definition(`label_values(${metric}, ${label})`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(".*");
}

export function promQuery(expr: string, legend: string, refId = "A"): PromQuery {
  return new PromQuery().expr(expr).legendFormat(legend).refId(refId).datasource(PROMETHEUS);
}

export function lokiQuery(expr: string, refId = "A", legend?: string): LokiQuery {
  const query = new LokiQuery().expr(expr).refId(refId).datasource(LOKI);
  return legend ? query.legendFormat(legend) : query;
}

import type { Builder } from "@grafana/grafana-foundation-sdk/cog";
import type { Dataquery } from "@grafana/grafana-foundation-sdk/cog";
import { DashboardBuilder, DashboardCursorSync, MappingType, ValueMapping } from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as LogsPanel } from "@grafana/grafana-foundation-sdk/logs";
import { PanelBuilder as StatPanel } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as StateTimelinePanel } from "@grafana/grafana-foundation-sdk/statetimeline";
import { PanelBuilder as TablePanel } from "@grafana/grafana-foundation-sdk/table";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";

/** Every panel states what it shows and in which unit. */
export interface PanelText {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
}

export function dashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(COMMON_TAGS)
    .timezone("browser")
    .refresh("1m")
    .time({ from: "now-6h", to: "now" })
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly();
}

export function timeseries(text: PanelText, ...queries: Builder<Dataquery>[]): TimeseriesPanel {
  const panel = new TimeseriesPanel().title(text.title).description(text.description).unit(text.unit).height(8).span(12);
  return queries.reduce((p, q) => p.withTarget(q), panel);
}

export function stat(text: PanelText, ...queries: Builder<Dataquery>[]): StatPanel {
  const panel = new StatPanel().title(text.title).description(text.description).unit(text.unit).height(6).span(6);
  return queries.reduce((p, q) => p.withTarget(q), panel);
}

export function stateTimeline(text: PanelText, mappings: ValueMapping[], ...queries: Builder<Dataquery>[]): StateTimelinePanel {
  const panel = new StateTimelinePanel().title(text.title).description(text.description).unit(text.unit).mappings(mappings).height(8).span(12);
  return queries.reduce((p, q) => p.withTarget(q), panel);
}

export function table(text: PanelText, ...queries: Builder<Dataquery>[]): TablePanel {
  const panel = new TablePanel().title(text.title).description(text.description).unit(text.unit).height(8).span(12);
  return queries.reduce((p, q) => p.withTarget(q), panel);
}

export function logs(text: PanelText, query: Builder<Dataquery>): LogsPanel {
  return new LogsPanel().title(text.title).description(text.description).unit(text.unit).height(10).span(24).withTarget(query);
}

/** 1 → "up"/green, 0 → "down"/red. */
export const UP_DOWN: ValueMapping[] = [
  { type: MappingType.ValueToText, options: { "1": { text: "up", color: "green", index: 0 }, "0": { text: "down", color: "red", index: 1 } } },
];
