// Renders the Docker tier's measurements (written by __tests__/real/docker/stack.test.ts
// when DOCKER_FOOTPRINT_FILE is set) as the Markdown tables of docs/docker-footprint.md:
//   DOCKER_FOOTPRINT_FILE=/tmp/footprint.json npx jest __tests__/real/docker
//   npx tsc -p tsconfig.json && node dist/scripts/footprint-table.js /tmp/footprint.json
import { readFileSync } from "node:fs";

interface Row {
  readonly stack: string;
  readonly container: string;
  readonly peakMiB: number;
  readonly limitMiB: number;
  readonly createToReadySeconds?: number;
}

/** Services whose image is a stand-in program (standin.py), not the service: their memory says nothing about it. */
const STAND_INS = new Set(["loki", "grafana", "promtail", "alloy", "tapo-camera-mcp", "edge-agent", "ring", "nest", "petcube"]);

export function footprintTables(report: { rows: Row[]; firstCreateToAllHealthySeconds: Record<string, number>; timings: Record<string, number> }): string {
  const out: string[] = [];
  for (const stack of [...new Set(report.rows.map((r) => r.stack))]) {
    const rows = report.rows.filter((r) => r.stack === stack).sort((a, b) => b.peakMiB - a.peakMiB);
    out.push(`### ${stack}`, "", "| container | peak MiB | limit MiB | create → healthy (s) | image |", "|---|---:|---:|---:|---|");
    for (const r of rows)
      out.push(`| ${r.container} | ${r.peakMiB.toFixed(1)} | ${r.limitMiB} | ${r.createToReadySeconds?.toFixed(1) ?? "–"} | ${STAND_INS.has(r.container) ? "stand-in" : "Debian build of the service"} |`);
    const real = rows.filter((r) => !STAND_INS.has(r.container)).reduce((a, r) => a + r.peakMiB, 0);
    const all = rows.reduce((a, r) => a + r.peakMiB, 0);
    out.push(
      `| **total** | **${all.toFixed(0)}** | ${rows.reduce((a, r) => a + r.limitMiB, 0)} | ${report.firstCreateToAllHealthySeconds[stack]?.toFixed(1)} (first create → all healthy) | ${real.toFixed(0)} MiB of it real services |`,
      "",
    );
  }
  return out.join("\n");
}

if (require.main === module) {
  const report = JSON.parse(readFileSync(process.argv[2], "utf8"));
  console.log(footprintTables(report));
  console.log(JSON.stringify(report.timings));
}
