// A component's alerts and dashboard panels, after the monitoring mixins: one
// definition per kind of component, built once for each Prometheus from what
// every instance it watches reports (its facts) and the deployment's alert
// settings, so rules and panels share their selectors and thresholds.
import type { RuleFile } from "../alert-rules/types";
import type { ResolvedAlertSettings } from "../alert-rules/settings";
import type { DashboardPanels } from "../dashboards/panels";

/** The alerts (with their promtool cases and runbook entries) and panels of one kind of component. */
export interface MonitoringMixin<Facts> {
  /** Unique among mixins: names its rule file(s) and runbook section. */
  readonly name: string;
  /** The metrics its panels read, as its component exports them: a panel may query nothing else (the dashboards tests). */
  readonly metrics: readonly string[];
  rules(facts: readonly Facts[], settings: ResolvedAlertSettings): readonly RuleFile[];
  /** @default - no panels */
  panels?(facts: readonly Facts[], settings: ResolvedAlertSettings): readonly DashboardPanels[];
}

/** One instance's part: the mixin of its kind and what this instance adds to it. */
export interface MixinUse {
  readonly mixin: MonitoringMixin<never>;
  readonly facts: unknown;
}

/** Ties a mixin to one instance's facts, keeping the two types together. */
export function useMixin<Facts>(mixin: MonitoringMixin<Facts>, facts: Facts): MixinUse {
  return { mixin: mixin as MonitoringMixin<never>, facts };
}

/** A component whose alerts go to the Prometheus that watches it. */
export interface Monitored {
  /** Given the labels its scraper puts on its targets (site, node). */
  monitoring(labels: Readonly<Record<string, string>>): readonly MixinUse[];
}

export function isMonitored(component: object): component is Monitored {
  return typeof (component as Partial<Monitored>).monitoring === "function";
}

/** Mixins in the order first used, each with the facts of every instance. */
export class MixinSet {
  private readonly uses = new Map<MonitoringMixin<never>, unknown[]>();

  add(uses: readonly MixinUse[]): void {
    for (const { mixin, facts } of uses) {
      const sameName = [...this.uses.keys()].find((m) => m.name === mixin.name && m !== mixin);
      if (sameName) throw new Error(`two different monitoring mixins are named ${JSON.stringify(mixin.name)}`);
      const known = this.uses.get(mixin);
      if (known) known.push(facts);
      else this.uses.set(mixin, [facts]);
    }
  }

  /** Every rule file, none without groups; file names are unique. */
  ruleFiles(settings: ResolvedAlertSettings): RuleFile[] {
    const files = [...this.uses.entries()].flatMap(([mixin, facts]) => mixin.rules(facts as never[], settings)).filter((f) => f.groups.length > 0);
    const names = files.map((f) => f.fileName);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) throw new Error(`two monitoring mixins write rule file ${JSON.stringify(duplicate)}`);
    return files;
  }

  /** The mixins in use, in the order first used. */
  mixins(): MonitoringMixin<never>[] {
    return [...this.uses.keys()];
  }

  panels(settings: ResolvedAlertSettings): DashboardPanels[] {
    return [...this.uses.entries()].flatMap(([mixin, facts]) => [...(mixin.panels?.(facts as never[], settings) ?? [])]);
  }
}
