import { expandLiterals, literalInGoTemplate } from "./go-template";
import { toYaml } from "./yaml";
import { AlertRule, RuleFile, RuleGroup } from "../../alert-rules/types";

const LABEL_TEMPLATE = /\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

/** Anchor of an alert's section in RUNBOOK.md (GitHub's heading slug of the alert name). */
export const runbookAnchor = (alert: string) => alert.toLowerCase();

/**
 * Renders a rule file (Prometheus, or Loki's ruler, which reads the same format).
 * Annotations may only template `{{ $labels.x }}` so tests can predict them.
 */
export function renderRuleGroups(groups: readonly RuleGroup[], runbookUrl: string): string {
  return toYaml({
    groups: groups.map((group) => ({
      name: group.name,
      ...(group.intervalSeconds !== undefined ? { interval: `${group.intervalSeconds}s` } : {}),
      rules: group.rules.map((rule) => ({
        alert: rule.alert,
        expr: rule.expr,
        ...(rule.for ? { for: rule.for } : {}),
        ...(rule.keepFiringFor ? { keep_firing_for: rule.keepFiringFor } : {}),
        labels: { severity: rule.severity, ...rule.labels },
        annotations: annotationsOf(rule, runbookUrl),
      })),
    })),
  });
}

function annotationsOf(rule: AlertRule, runbookUrl: string): Record<string, string> {
  for (const text of [rule.summary, rule.description]) {
    const leftover = text.replace(LABEL_TEMPLATE, "");
    if (leftover.includes("{{")) throw new Error(`alert-rules: ${rule.alert}: annotations may only use {{ $labels.name }} templates, got ${JSON.stringify(text)}`);
  }
  // The runbook URL comes from the deployment (the inventory): inert, whatever it holds.
  return { summary: rule.summary, description: rule.description, runbook_url: literalInGoTemplate(`${runbookUrl}#${runbookAnchor(rule.alert)}`) };
}

/** Renders the `promtool test rules` file for a rule file that sits next to it as `ruleFilePath`. */
export function renderRuleTests(file: RuleFile, ruleFilePath: string, runbookUrl: string): string {
  const rules = file.groups.flatMap((g) => g.rules);
  // promtool evaluates every group at this one interval: that of the fastest group, as Prometheus would.
  const evaluationSeconds = Math.min(60, ...file.groups.map((g) => g.intervalSeconds ?? 60));
  return toYaml({
    rule_files: [ruleFilePath],
    evaluation_interval: `${evaluationSeconds}s`,
    tests: file.tests.map((test) => ({
      name: test.name,
      interval: `${test.intervalSeconds}s`,
      input_series: test.inputSeries.map((s) => ({ series: s.series, values: s.values })),
      alert_rule_test: test.expect.map((e) => ({
        eval_time: e.evalTime,
        alertname: e.alertname,
        exp_alerts: e.alerts.map((labels) => {
          const rule = ruleFor(rules, e.alertname, labels, `alert-rules/${file.fileName}: test "${test.name}"`);
          return {
            exp_labels: { ...labels, severity: rule.severity, ...rule.labels },
            // Prometheus expands $labels from the expression's result, before static labels are added.
            exp_annotations: expandAnnotations(annotationsOf(rule, runbookUrl), labels),
          };
        }),
      })),
    })),
  });
}

/** The rule an expected alert comes from: same name, and its static labels match the expectation's. */
function ruleFor(rules: readonly AlertRule[], alertname: string, labels: Readonly<Record<string, string>>, where: string): AlertRule {
  const candidates = rules.filter((r) => r.alert === alertname && Object.entries(r.labels ?? {}).every(([k, v]) => labels[k] === undefined || labels[k] === v));
  const distinct = new Set(candidates.map((r) => JSON.stringify(r.labels ?? {})));
  if (candidates.length === 0) throw new Error(`${where} expects unknown alert ${alertname}`);
  if (distinct.size > 1) throw new Error(`${where}: ${alertname} has several rules; give the expected alert the static labels that pick one (${[...distinct].join(", ")})`);
  return candidates[0];
}

function expandAnnotations(annotations: Record<string, string>, labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations).map(([k, v]) => [k, expandLiterals(v.replace(LABEL_TEMPLATE, (_, name: string) => labels[name] ?? ""))]));
}

/** RUNBOOK.md: one section per alert, generated from the rule definitions. */
export function renderRunbook(files: readonly { fileName: string; language: "promql" | "logql"; groups: readonly RuleGroup[] }[]): string {
  const lines = [
    "# Runbook",
    "",
    "<!-- Generated from alert-rules/ by `npm run synth`. Do not edit: change the rule definitions. -->",
    "",
    "Every alert's `runbook_url` points at its section here.",
    "",
  ];
  // One section per alert name: inventory-derived alerts (SensorStale, ...) have one rule per threshold or sensor.
  const seen = new Set<string>();
  for (const file of files) {
    for (const group of file.groups) {
      for (const rule of group.rules) {
        if (seen.has(rule.alert)) continue;
        seen.add(rule.alert);
        const variants = group.rules.filter((r) => r.alert === rule.alert).length;
        lines.push(
          `## ${rule.alert}`,
          "",
          `Severity: **${rule.severity}**. Rule group \`${group.name}\` in \`${file.fileName}\`${variants > 1 ? ` (${variants} rules, one per threshold or series; the first is shown)` : ""}.`,
          "",
          `**Symptom.** ${rule.runbook.symptom}`,
          "",
          "**Checks.**",
          "",
          ...rule.runbook.checks.map((c, i) => `${i + 1}. ${c}`),
          "",
          "**Remediation.**",
          "",
          ...rule.runbook.remediation.map((r, i) => `${i + 1}. ${r}`),
          "",
          "```" + file.language,
          rule.expr,
          "```",
          "",
        );
      }
    }
  }
  return lines.join("\n");
}
