// The tables `npm run bench` prints: the project's synth beside cdktf's floor for
// the same output (scripts/bench-floor.ts), per size and per added site.

/** Median wall and CPU (user + system) time and highest peak RSS of one program's runs at one size. */
export interface Measured {
  readonly medianWallSeconds: number;
  readonly medianCpuSeconds: number;
  readonly peakRssKiB: number;
}

export interface SizeResult {
  readonly sites: number;
  readonly stacks: number;
  readonly resources: number;
  readonly dataSources: number;
  readonly project: Measured;
  readonly floor: Measured;
  readonly cdkTfJsonBytes: number;
  readonly renderedFiles: number;
}

/** What one more site costs between two consecutive sizes. */
export interface MarginalCost {
  readonly fromSites: number;
  readonly toSites: number;
  readonly projectMsPerSite: number;
  readonly floorMsPerSite: number;
  readonly projectCpuMsPerSite: number;
  readonly floorCpuMsPerSite: number;
  readonly projectRssKiBPerSite: number;
  readonly floorRssKiBPerSite: number;
  readonly cdkTfJsonKiBPerSite: number;
}

const MiB = 1024 * 1024;

/** Differences between consecutive distinct sizes, divided by the sites added. */
export function marginalCosts(results: readonly SizeResult[]): MarginalCost[] {
  const bySize = [...results].sort((a, b) => a.sites - b.sites).filter((r, i, all) => i === 0 || r.sites !== all[i - 1].sites);
  return bySize.slice(1).map((large, i) => {
    const small = bySize[i];
    const added = large.sites - small.sites;
    const perSite = (from: number, to: number) => (to - from) / added;
    return {
      fromSites: small.sites,
      toSites: large.sites,
      projectMsPerSite: perSite(small.project.medianWallSeconds, large.project.medianWallSeconds) * 1000,
      floorMsPerSite: perSite(small.floor.medianWallSeconds, large.floor.medianWallSeconds) * 1000,
      projectCpuMsPerSite: perSite(small.project.medianCpuSeconds, large.project.medianCpuSeconds) * 1000,
      floorCpuMsPerSite: perSite(small.floor.medianCpuSeconds, large.floor.medianCpuSeconds) * 1000,
      projectRssKiBPerSite: perSite(small.project.peakRssKiB, large.project.peakRssKiB),
      floorRssKiBPerSite: perSite(small.floor.peakRssKiB, large.floor.peakRssKiB),
      cdkTfJsonKiBPerSite: perSite(small.cdkTfJsonBytes, large.cdkTfJsonBytes) / 1024,
    };
  });
}

/** project / floor, as "1.23x". */
export function ratio(project: number, floor: number): string {
  return `${(project / floor).toFixed(2)}x`;
}

const row = (cells: readonly (string | number)[]) => `| ${cells.join(" | ")} |`;

export function sizeTable(results: readonly SizeResult[]): string[] {
  const lines = [
    "| sites | stacks | resources (+data) | project s | project CPU s | project MiB | floor s | floor CPU s | floor MiB | time project/floor | CPU project/floor | peak RSS project/floor | cdk.tf.json MiB | rendered files |",
    "|------:|-------:|------------------:|----------:|--------------:|------------:|--------:|------------:|----------:|-------------------:|------------------:|-----------------------:|----------------:|---------------:|",
  ];
  for (const r of results) {
    lines.push(
      row([
        r.sites,
        r.stacks,
        `${r.resources} (+${r.dataSources})`,
        r.project.medianWallSeconds.toFixed(2),
        r.project.medianCpuSeconds.toFixed(2),
        (r.project.peakRssKiB / 1024).toFixed(1),
        r.floor.medianWallSeconds.toFixed(2),
        r.floor.medianCpuSeconds.toFixed(2),
        (r.floor.peakRssKiB / 1024).toFixed(1),
        ratio(r.project.medianWallSeconds, r.floor.medianWallSeconds),
        ratio(r.project.medianCpuSeconds, r.floor.medianCpuSeconds),
        ratio(r.project.peakRssKiB, r.floor.peakRssKiB),
        (r.cdkTfJsonBytes / MiB).toFixed(3),
        r.renderedFiles,
      ]),
    );
  }
  return lines;
}

export function marginalTable(costs: readonly MarginalCost[]): string[] {
  if (costs.length === 0) return [];
  const lines = [
    "| sites | project ms/site | floor ms/site | project CPU ms/site | floor CPU ms/site | project KiB RSS/site | floor KiB RSS/site | cdk.tf.json KiB/site |",
    "|------:|----------------:|--------------:|--------------------:|------------------:|---------------------:|-------------------:|---------------------:|",
  ];
  for (const c of costs) {
    lines.push(
      row([
        `${c.fromSites} → ${c.toSites}`,
        c.projectMsPerSite.toFixed(1),
        c.floorMsPerSite.toFixed(1),
        c.projectCpuMsPerSite.toFixed(1),
        c.floorCpuMsPerSite.toFixed(1),
        c.projectRssKiBPerSite.toFixed(1),
        c.floorRssKiBPerSite.toFixed(1),
        c.cdkTfJsonKiBPerSite.toFixed(2),
      ]),
    );
  }
  return lines;
}
