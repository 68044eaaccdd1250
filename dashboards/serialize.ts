// Dashboard JSON as sent to Grafana. It must be byte-stable and free of what
// Grafana adds on save, or every plan would show a change that is not there.

/** Keys Grafana assigns or bumps on save; never sent. */
const SERVER_KEYS = ["id", "version", "iteration"];

/** The normalised JSON of a dashboard model: server keys dropped, panel ids fixed, keys sorted. */
export function dashboardJson(model: object): string {
  const copy = JSON.parse(JSON.stringify(model)) as Record<string, unknown>;
  for (const key of SERVER_KEYS) delete copy[key];
  // Grafana numbers panels that have no id when it saves; numbering them here
  // (rows and nested row panels included) keeps the stored model equal to ours.
  let next = 1;
  const number = (panels: unknown) => {
    if (!Array.isArray(panels)) return;
    for (const panel of panels as Record<string, unknown>[]) {
      panel.id = next++;
      number(panel.panels);
    }
  };
  number(copy.panels);
  return JSON.stringify(sortKeys(copy));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}
