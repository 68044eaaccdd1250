// Metrics the deployed stack produces, by the component (mixin) that declares
// them: a dashboard panel may only query these, so no panel is blank by design.
// Names of real exporters are checked against the running Debian binaries in
// real/metric-catalog.test.ts; the others follow their components'
// documentation or the operator images' contracts stated in the README.
import { hubOf } from "./generated";

/** Every mixin the example's hub Prometheus watches, with the metrics it declares. */
export const METRIC_SOURCES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(hubOf().prometheus.watchedMixins().map((mixin) => [mixin.name, mixin.metrics]));

export const KNOWN_METRICS = new Set(Object.values(METRIC_SOURCES).flat());
