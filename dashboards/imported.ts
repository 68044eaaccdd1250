// Operators' own dashboards (Grafana "Export for sharing externally" JSON with
// __inputs, or a plain export) in dashboards/imported/, rewired to the
// datasources the grafana stack provisions.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DATASOURCE_UIDS } from "./common";

export interface ImportedDashboard {
  readonly file: string;
  readonly uid: string;
  readonly model: Record<string, unknown>;
}

export class ImportedDashboardError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "ImportedDashboardError";
  }
}

const KNOWN_TYPES = Object.keys(DATASOURCE_UIDS) as (keyof typeof DATASOURCE_UIDS)[];
const isKnownType = (type: unknown): type is keyof typeof DATASOURCE_UIDS => typeof type === "string" && (KNOWN_TYPES as string[]).includes(type);

/** Reads every *.json in `dir`; a file that cannot be imported fails with its name and the reason. */
export function loadImportedDashboards(dir: string): ImportedDashboard[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => importDashboard(join(dir, name), readFileSync(join(dir, name), "utf8")));
}

export function importDashboard(file: string, text: string): ImportedDashboard {
  let model: Record<string, unknown>;
  try {
    model = JSON.parse(text);
  } catch (err) {
    throw new ImportedDashboardError(file, `is not valid JSON (${(err as Error).message})`);
  }
  if (typeof model !== "object" || model === null || Array.isArray(model)) throw new ImportedDashboardError(file, "must hold one dashboard object");
  if (typeof model.title !== "string" || model.title === "") throw new ImportedDashboardError(file, `title must be a non-empty string, got ${JSON.stringify(model.title)}`);
  if (typeof model.uid !== "string" || !/^[a-zA-Z0-9_-]{1,40}$/.test(model.uid))
    throw new ImportedDashboardError(file, `uid must be 1-40 letters, digits, - or _ (a fixed uid keeps the dashboard's URL), got ${JSON.stringify(model.uid)}`);
  if (!Array.isArray(model.panels)) throw new ImportedDashboardError(file, "panels must be a list");

  // "${DS_PROMETHEUS}"-style placeholders of a sharing export, by input name.
  const inputs = new Map<string, string>();
  for (const input of (model.__inputs as Record<string, unknown>[] | undefined) ?? []) {
    if (input.type !== "datasource") continue;
    if (!isKnownType(input.pluginId))
      throw new ImportedDashboardError(file, `__inputs ${JSON.stringify(input.name)} needs a ${JSON.stringify(input.pluginId)} datasource; only ${KNOWN_TYPES.join(", ")} are provisioned`);
    inputs.set(`\${${String(input.name)}}`, DATASOURCE_UIDS[input.pluginId]);
  }
  const rewired = rewire(model, inputs, file) as Record<string, unknown>;
  for (const key of ["__inputs", "__requires", "__elements"]) delete rewired[key];
  return { file, uid: model.uid, model: rewired };
}

function rewire(value: unknown, inputs: Map<string, string>, file: string): unknown {
  if (Array.isArray(value)) return value.map((v) => rewire(v, inputs, file));
  if (typeof value === "string") {
    const placeholder = /\$\{DS_[A-Z0-9_]+\}/.exec(value);
    if (placeholder && !inputs.has(placeholder[0])) throw new ImportedDashboardError(file, `refers to ${placeholder[0]}, which no datasource __inputs entry declares`);
    return inputs.has(value) ? inputs.get(value) : value;
  }
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = key === "datasource" ? datasourceRef(v, inputs, file) : rewire(v, inputs, file);
  return out;
}

/** A panel's or query's datasource: by type to the provisioned UID; mixed/built-in ones kept. */
function datasourceRef(ref: unknown, inputs: Map<string, string>, file: string): unknown {
  if (ref === null || ref === undefined) return ref;
  if (typeof ref === "string") {
    if (inputs.has(ref)) return inputs.get(ref);
    const byName = KNOWN_TYPES.find((t) => t === ref.toLowerCase());
    if (byName) return { type: byName, uid: DATASOURCE_UIDS[byName] };
    if (ref.startsWith("-- ")) return ref; // "-- Grafana --", "-- Mixed --"
    throw new ImportedDashboardError(file, `uses datasource ${JSON.stringify(ref)}, which is not provisioned (${KNOWN_TYPES.join(", ")})`);
  }
  const { type, uid } = ref as { type?: unknown; uid?: unknown };
  if (isKnownType(type)) return { ...(ref as object), type, uid: DATASOURCE_UIDS[type] };
  if (typeof uid === "string" && inputs.has(uid)) return { ...(ref as object), uid: inputs.get(uid) };
  if (type === "datasource" || type === "grafana" || uid === "-- Mixed --" || uid === "-- Grafana --" || uid === "grafana") return ref;
  throw new ImportedDashboardError(file, `uses a datasource of type ${JSON.stringify(type)}, which is not provisioned (${KNOWN_TYPES.join(", ")})`);
}
