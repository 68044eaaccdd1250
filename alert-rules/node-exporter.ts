// node_exporter: disks filling up on the hub and the nodes, and edge nodes or
// whole sites that stop answering (pull sites; push nodes: prometheus-agent.ts).
import { ResolvedAlertSettings } from "./settings";
import { RuleFile, seriesOf } from "./types";

const NODE_UP = 'up{service="node-exporter",site!="hub"}';

export function nodeExporterRules(s: ResolvedAlertSettings): RuleFile {
  const fs = `fstype!~"${s.ignoredFilesystems}"`;
  const hub = { site: "hub", node: "hub" };
  const disk = { job: "node-exporter", instance: "192.168.1.10:9100", service: "node-exporter", ...hub, device: "/dev/sda1", fstype: "ext4", mountpoint: "/" };
  return {
    fileName: "node-exporter.yml",
    groups: [
      {
        name: "node-exporter",
        rules: [
          {
            alert: "NodeDiskAlmostFull",
            expr: `node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}} < ${s.diskFreeRatio}`,
            for: "15m",
            severity: "warning",
            summary: "{{ $labels.mountpoint }} on {{ $labels.node }} ({{ $labels.site }}) is almost full",
            description: `Less than ${s.diskFreeRatio * 100}% of {{ $labels.mountpoint }} ({{ $labels.device }}) is free on {{ $labels.node }}.`,
            runbook: {
              symptom: "A filesystem on the hub or a node has little space left; Prometheus, Loki or Docker will fail to write when it is full.",
              checks: ["`df -h` and `docker system df` on the host.", "On the hub: is Prometheus's retention size larger than the disk allows?"],
              remediation: ["`docker system prune` (images and stopped containers only; volumes are kept).", "Lower hub.retention in the inventory, or grow the disk."],
            },
          },
          {
            alert: "NodeDiskFillingUp",
            expr: `predict_linear(node_filesystem_avail_bytes{${fs}}[6h], ${s.diskFullPredictionHours} * 3600) < 0 and node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}} < 0.4`,
            for: "1h",
            severity: "warning",
            summary: `{{ $labels.mountpoint }} on {{ $labels.node }} ({{ $labels.site }}) will be full within ${s.diskFullPredictionHours}h`,
            description: `At the rate of the last 6h, {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.node }} runs out of space within ${s.diskFullPredictionHours} hours.`,
            runbook: {
              symptom: "Free space on a filesystem falls steadily.",
              checks: ["Which directory grows (`du -xh --max-depth=2 / | sort -h | tail`)?", "A container logging in a loop? (`docker ps` restarts, log sizes)"],
              remediation: ["Stop what is writing, then free space as for NodeDiskAlmostFull."],
            },
          },
          {
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
          },
          {
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
          },
        ],
      },
    ],
    tests: [
      {
        name: "a nearly full filesystem alerts after 15m; a roomy one does not",
        intervalSeconds: 60,
        inputSeries: [
          { series: seriesOf("node_filesystem_avail_bytes", disk), values: "5x30" },
          { series: seriesOf("node_filesystem_size_bytes", disk), values: "100x30" },
          { series: seriesOf("node_filesystem_avail_bytes", { ...disk, device: "/dev/sdb1", mountpoint: "/data" }), values: "50x30" },
          { series: seriesOf("node_filesystem_size_bytes", { ...disk, device: "/dev/sdb1", mountpoint: "/data" }), values: "100x30" },
        ],
        expect: [
          { evalTime: "10m", alertname: "NodeDiskAlmostFull", alerts: [] },
          { evalTime: "20m", alertname: "NodeDiskAlmostFull", alerts: [disk] },
        ],
      },
      {
        name: "a filesystem that will fill within the prediction window alerts; a steady one does not",
        intervalSeconds: 60,
        inputSeries: [
          { series: seriesOf("node_filesystem_avail_bytes", disk), values: "39-0.1x200" },
          { series: seriesOf("node_filesystem_size_bytes", disk), values: "100x200" },
          { series: seriesOf("node_filesystem_avail_bytes", { ...disk, device: "/dev/sdb1", mountpoint: "/data" }), values: "30x200" },
          { series: seriesOf("node_filesystem_size_bytes", { ...disk, device: "/dev/sdb1", mountpoint: "/data" }), values: "100x200" },
        ],
        expect: [
          { evalTime: "30m", alertname: "NodeDiskFillingUp", alerts: [] },
          { evalTime: "90m", alertname: "NodeDiskFillingUp", alerts: [disk] },
        ],
      },
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
    ],
  };
}
