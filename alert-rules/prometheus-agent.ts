// Push nodes, as the hub sees what their agents remote-write: a node that goes
// silent, and remote write falling behind.
import { ResolvedAlertSettings } from "./settings";
import { RuleFile, seriesOf } from "./types";

/** Rules for the push sites named (their agents' series); none without push sites. */
export function pushNodeRules(pushSites: readonly string[], s: ResolvedAlertSettings): RuleFile {
  if (pushSites.length === 0) return { fileName: "prometheus-agent.yml", groups: [], tests: [] };
  // Remote-written series simply stop when a push node dies: compare with the recent past.
  const sites = `site=~"${pushSites.join("|")}"`;
  const pushUp = `up{service="node-exporter",${sites}}`;
  const site = pushSites[0];
  const agentBase = { job: "prometheus-agent", instance: "localhost:9090", service: "prometheus-agent", site, node: "n1" };
  const agentLabels = { ...agentBase, remote_name: "hub", url: "https://hub/api/v1/write" };
  return {
    fileName: "prometheus-agent.yml",
    groups: [
      {
        name: "prometheus-agent",
        rules: [
          {
            alert: "EdgeNodeSilent",
            expr: `max by (site, node) (max_over_time(${pushUp}[${s.nodeSilentLookback}])) unless max by (site, node) (${pushUp})`,
            for: s.nodeDownFor,
            severity: "critical",
            summary: "Push node {{ $labels.node }} at {{ $labels.site }} stopped sending metrics",
            description: `The hub received metrics from {{ $labels.node }} within the last ${s.nodeSilentLookback} but none now: the node, its agent or its uplink is down.`,
            runbook: {
              symptom: "A node behind NAT stops remote-writing; its series end on the hub.",
              checks: ["Can the node reach the hub (`curl -sf http://<hub>:9090/-/ready` from the node)?", "Is the node's `prometheus-agent` container running?"],
              remediation: ["Restore the uplink; the agent's WAL replays what it buffered (up to its retention).", "Restart the agent container if it is stuck."],
            },
          },
          {
            alert: "RemoteWriteBehind",
            expr: `(max_over_time(prometheus_remote_storage_highest_timestamp_in_seconds{${sites}}[5m]) - ignoring(remote_name, url) group_right max_over_time(prometheus_remote_storage_queue_highest_sent_timestamp_seconds{${sites}}[5m])) > ${s.remoteWriteLagSeconds}`,
            for: s.remoteWriteBehindFor,
            severity: "warning",
            summary: "Remote write from {{ $labels.node }} at {{ $labels.site }} is falling behind",
            description: `The agent on {{ $labels.node }} is more than ${s.remoteWriteLagSeconds}s behind in sending samples to the hub; its WAL is filling.`,
            runbook: {
              symptom: "Graphs of a push site lag behind real time.",
              checks: ["Is the uplink slow or flapping?", "Does the hub's Prometheus log remote-write errors (out of order, too old)?"],
              remediation: ["Fix the uplink; the agent catches up by itself.", "If the outage outlasts the WAL, accept the gap: the agent drops the oldest samples."],
            },
          },
        ],
      },
    ],
    tests: [
      {
        name: "a push node whose series stop is silent; one still sending is not",
        intervalSeconds: 60,
        inputSeries: [
          { series: `up{job="node-exporter",instance="localhost:9100",service="node-exporter",site="${site}",node="n1"}`, values: "1x5" },
          { series: `up{job="node-exporter",instance="localhost:9100",service="node-exporter",site="${site}",node="n2"}`, values: "1x20" },
        ],
        expect: [
          { evalTime: "4m", alertname: "EdgeNodeSilent", alerts: [] },
          { evalTime: "15m", alertname: "EdgeNodeSilent", alerts: [{ site, node: "n1" }] },
        ],
      },
      {
        name: "remote write that lags by more than the threshold alerts once the lag has lasted its for period",
        intervalSeconds: 60,
        inputSeries: [
          // The newest sample's time advances; the queue sends nothing.
          { series: seriesOf("prometheus_remote_storage_highest_timestamp_in_seconds", agentBase), values: "0+60x30" },
          { series: seriesOf("prometheus_remote_storage_queue_highest_sent_timestamp_seconds", agentLabels), values: "0x30" },
        ],
        expect: [
          { evalTime: "5m", alertname: "RemoteWriteBehind", alerts: [] },
          { evalTime: "20m", alertname: "RemoteWriteBehind", alerts: [agentLabels] },
        ],
      },
    ],
  };
}
