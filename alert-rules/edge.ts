// Edge nodes and sites: a node that stops answering (pull), a push node that
// goes silent, a whole site down, and a push node's remote write falling behind.
import type { Inventory } from "../inventory/schema";
import { ResolvedAlertSettings } from "./settings";
import { AlertRule, RuleFile, RuleTest, seriesOf } from "./types";

const NODE_UP = 'up{service="node-exporter",site!="hub"}';

export function edgeRules(inv: Inventory, s: ResolvedAlertSettings): RuleFile {
  const pushSites = inv.sites.filter((site) => site.mode === "push").map((site) => site.name);
  const nodeDown: AlertRule = {
    alert: "EdgeNodeDown",
    expr: `${NODE_UP} == 0`,
    for: s.nodeDownFor,
    severity: "critical",
    summary: "Edge node {{ $labels.node }} at {{ $labels.site }} is down",
    description: `node_exporter on {{ $labels.node }} ({{ $labels.instance }}) has not answered for ${s.nodeDownFor}. Its cameras' and sensors' alerts are muted while this fires.`,
    runbook: {
      symptom: "Every target of one node is down; its cameras and sensors go quiet at the same time.",
      checks: ["Ping the node and try SSH.", "Check its power supply and network switch port.", "If it answers, is Docker running (`systemctl status docker`)?"],
      remediation: ["Power-cycle the node.", "Once it is back, `cdktf deploy edge-<site>-<node>` restores any missing container."],
    },
  };
  const siteDown: AlertRule = {
    alert: "EdgeSiteDown",
    expr: `max by (site) (${NODE_UP}) == 0`,
    for: s.nodeDownFor,
    severity: "critical",
    summary: "Every node at site {{ $labels.site }} is down",
    description: `No node_exporter at site {{ $labels.site }} has answered for ${s.nodeDownFor}: the site's network or power is probably out. Every other alert of the site is muted.`,
    runbook: {
      symptom: "All nodes of a site are unreachable at once.",
      checks: ["Is the site's router or VPN link up?", "Is there a power cut at the site?"],
      remediation: ["Restore the site's power or uplink; the nodes recover by themselves (restart policy)."],
    },
  };
  const rules: AlertRule[] = [nodeDown, siteDown];
  const tests: RuleTest[] = [
    {
      name: "a node that stops answering is down; the rest of its site keeps the site up",
      intervalSeconds: 60,
      inputSeries: [
        { series: 'up{job="node-exporter",instance="192.168.1.21:9100",service="node-exporter",site="home",node="porch"}', values: "1 0x6" },
        { series: 'up{job="node-exporter",instance="192.168.1.22:9100",service="node-exporter",site="home",node="garage"}', values: "1x7" },
      ],
      expect: [
        { evalTime: "2m", alertname: "EdgeNodeDown", alerts: [] },
        { evalTime: "5m", alertname: "EdgeNodeDown", alerts: [{ job: "node-exporter", instance: "192.168.1.21:9100", service: "node-exporter", site: "home", node: "porch" }] },
        { evalTime: "5m", alertname: "EdgeSiteDown", alerts: [] },
      ],
    },
    {
      name: "a site whose every node is down is down",
      intervalSeconds: 60,
      inputSeries: [
        { series: 'up{job="node-exporter",instance="192.168.1.21:9100",service="node-exporter",site="home",node="porch"}', values: "1 0x6" },
        { series: 'up{job="node-exporter",instance="192.168.1.22:9100",service="node-exporter",site="home",node="garage"}', values: "1 0x6" },
      ],
      expect: [{ evalTime: "5m", alertname: "EdgeSiteDown", alerts: [{ site: "home" }] }],
    },
  ];

  if (pushSites.length > 0) {
    // Remote-written series simply stop when a push node dies: compare with the recent past.
    const sites = `site=~"${pushSites.join("|")}"`;
    const pushUp = `up{service="node-exporter",${sites}}`;
    const site = pushSites[0];
    const agentBase = { job: "prometheus-agent", instance: "localhost:9090", service: "prometheus-agent", site, node: "n1" };
    const agentLabels = { ...agentBase, remote_name: "hub", url: "https://hub/api/v1/write" };
    rules.push(
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
    );
    tests.push(
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
    );
  }
  return { fileName: "edge.yml", groups: [{ name: "edge", rules }], tests };
}
