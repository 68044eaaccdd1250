// Which alerts mute which, so one failure pages once instead of flooding:
// a node or site that is down mutes what lives on it; critical mutes warning.

import type { InhibitRule } from "./alertmanager-config";

export type { InhibitRule };

/** Alerts about things that live on a node, muted while the node itself is down. */
const ON_NODE = ["CameraOffline", "CameraHubReportsCameraOffline", "SensorStale", "SensorMetricsMissing", "PrometheusTargetDown", "RemoteWriteBehind"];

export function inhibitionRules(): InhibitRule[] {
  return [
    { sourceMatchers: ['alertname=~"EdgeNodeDown|EdgeNodeSilent"'], targetMatchers: [`alertname=~"${ON_NODE.join("|")}"`], equal: ["site", "node"] },
    { sourceMatchers: ['alertname="EdgeSiteDown"'], targetMatchers: [`alertname=~"${[...ON_NODE, "EdgeNodeDown", "EdgeNodeSilent"].join("|")}"`], equal: ["site"] },
    { sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: ["alertname", "site", "node"] },
  ];
}
