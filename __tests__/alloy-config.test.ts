import { alloyCommand, LOKI_WRITE_RETRIES, renderAlloyConfig, retryWindowSeconds } from "../constructs/config/alloy-config";
import { LogAgentConfig } from "../constructs/config/log-agent";
import { ALLOY_COMPONENTS, AlloyBlock, AlloyRef, AlloyValue, parseAlloy, REFERENCE_LABEL, tokenize, undocumentedAlloyKeys } from "./support/alloy-reference";

const cfg: LogAgentConfig = {
  lokiPushUrl: "http://192.168.1.10:3100/loki/api/v1/push",
  site: "home",
  device: "garage",
  edgeAgentLogGlob: "/var/log/edge-agent/*.log",
  edgeAgentService: "edge-agent",
  dockerSocket: "/var/run/docker.sock",
  dataDir: "/var/lib/alloy/data",
  httpPort: 12345,
  defaultSeverity: "info",
};

const component = (blocks: AlloyBlock[], name: string) => {
  const found = blocks.filter((b) => b.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};
const child = (block: AlloyBlock, name: string) => block.blocks.find((b) => b.name === name)!;

/** Every reference (`a.b.label.field`) in a value, depth first. */
function refsIn(v: AlloyValue): string[] {
  if (v instanceof AlloyRef) return [v.path];
  if (Array.isArray(v)) return v.flatMap(refsIn);
  if (v !== null && typeof v === "object") return Object.values(v).flatMap(refsIn);
  return [];
}
function allRefs(b: AlloyBlock): string[] {
  return [...[...b.attrs.values()].flatMap(refsIn), ...b.blocks.flatMap(allRefs)];
}

describe("renderAlloyConfig", () => {
  const text = renderAlloyConfig(cfg);
  const blocks = parseAlloy(text);

  it("uses only components, arguments and blocks of the Alloy reference", () => {
    expect(undocumentedAlloyKeys(text)).toEqual([]);
    expect(blocks.map((b) => `${b.name}.${b.label}`)).toEqual([
      "local.file_match.edge_agent",
      "loki.source.file.edge_agent",
      "discovery.docker.containers",
      "discovery.relabel.containers",
      "loki.source.docker.containers",
      "loki.process.severity",
      "loki.write.default",
    ]);
  });

  it("balances its braces", () => {
    let depth = 0;
    for (const t of tokenize(text)) {
      if (t.kind === "punct" && (t.text === "{" || t.text === "[")) depth++;
      if (t.kind === "punct" && (t.text === "}" || t.text === "]")) depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
  });

  it("defines every component it references, and references only exported fields", () => {
    const refs = blocks.flatMap(allRefs);
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) {
      const target = blocks.find((b) => r.startsWith(`${b.name}.${b.label}.`));
      expect({ ref: r, defined: target !== undefined }).toEqual({ ref: r, defined: true });
      const field = r.slice(`${target!.name}.${target!.label}.`.length);
      expect(Object.keys(ALLOY_COMPONENTS[target!.name].exports)).toContain(field);
    }
  });

  it("wires files and containers through the one severity pipeline to the hub", () => {
    const receiver = (b: AlloyBlock) => (b.attrs.get("forward_to") as AlloyValue[]).map((v) => (v as AlloyRef).path);
    expect(receiver(component(blocks, "loki.source.file"))).toEqual(["loki.process.severity.receiver"]);
    expect(receiver(component(blocks, "loki.source.docker"))).toEqual(["loki.process.severity.receiver"]);
    expect(receiver(component(blocks, "loki.process"))).toEqual(["loki.write.default.receiver"]);
    expect(component(blocks, "local.file_match").attrs.get("path_targets")).toEqual([{ __path__: "/var/log/edge-agent/*.log", service: "edge-agent" }]);
    expect(component(blocks, "discovery.docker").attrs.get("host")).toBe("unix:///var/run/docker.sock");
    expect(component(blocks, "loki.source.docker").attrs.get("host")).toBe("unix:///var/run/docker.sock");
    const rule = child(component(blocks, "discovery.relabel"), "rule");
    expect(Object.fromEntries(rule.attrs)).toEqual({ action: "replace", source_labels: ["__meta_docker_container_name"], regex: "/?(.*)", target_label: "service" });
  });

  it("sets no labels but site, device, service and severity", () => {
    const allowed = ["site", "device", "service", "severity"];
    const set: string[] = [];
    // Labels given to file targets (beyond the internal __path__), by relabeling, by stages and by loki.write.
    for (const target of component(blocks, "local.file_match").attrs.get("path_targets") as Record<string, string>[]) set.push(...Object.keys(target).filter((k) => !k.startsWith("__")));
    for (const rule of component(blocks, "discovery.relabel").blocks) set.push(rule.attrs.get("target_label") as string);
    const process = component(blocks, "loki.process");
    for (const stage of process.blocks.filter((s) => s.name === "stage.labels")) set.push(...Object.keys(stage.attrs.get("values") as object));
    const write = component(blocks, "loki.write");
    set.push(...Object.keys(write.attrs.get("external_labels") as object));
    expect([...new Set(set)].sort()).toEqual([...allowed].sort());
    expect(write.attrs.get("external_labels")).toEqual({ site: "home", device: "garage" });
    // loki.source.file adds `filename` on its own: the pipeline's last stage keeps service and severity only.
    const last = process.blocks[process.blocks.length - 1];
    expect(last.name).toBe("stage.label_keep");
    expect(last.attrs.get("values")).toEqual(["service", "severity"]);
    expect(component(blocks, "loki.source.docker").attrs.has("labels")).toBe(false);
  });

  it("normalises severity from severity|level|lvl with the documented stages", () => {
    const process = component(blocks, "loki.process");
    expect(process.blocks.map((s) => s.name)).toEqual(["stage.json", "stage.template", "stage.labels", "stage.label_keep"]);
    expect(child(process, "stage.json").attrs.get("expressions")).toEqual({ severity: "severity || level || lvl" });
    expect(child(process, "stage.template").attrs.get("source")).toBe("severity");
    expect(child(process, "stage.template").attrs.get("template")).toBe(
      '{{ $s := .Value | default "" | TrimSpace | ToLower }}' +
        '{{ if eq $s "critical" "crit" "fatal" }}critical{{ else if eq $s "error" "err" }}error{{ else if eq $s "warning" "warn" }}warning' +
        '{{ else if eq $s "info" }}info{{ else if eq $s "debug" }}debug{{ else }}info{{ end }}',
    );
    expect(child(process, "stage.labels").attrs.get("values")).toEqual({ severity: "" });
    const warnByDefault = parseAlloy(renderAlloyConfig({ ...cfg, defaultSeverity: "warning" }));
    expect(child(component(warnByDefault, "loki.process"), "stage.template").attrs.get("template")).toMatch(/\{\{ else \}\}warning\{\{ end \}\}$/);
  });

  it("retries for about an hour before dropping a batch", () => {
    const endpoint = child(component(blocks, "loki.write"), "endpoint");
    expect(Object.fromEntries(endpoint.attrs)).toEqual({
      url: "http://192.168.1.10:3100/loki/api/v1/push",
      min_backoff_period: "500ms",
      max_backoff_period: "5m",
      max_backoff_retries: 24,
    });
    // By hand: 23 sleeps; 0.5+1+...+128 = 255.5 s (upper 1+...+256 = 511 s), then 14 in [256 s, 300 s).
    expect(retryWindowSeconds(LOKI_WRITE_RETRIES.minBackoffSeconds, LOKI_WRITE_RETRIES.maxBackoffSeconds, LOKI_WRITE_RETRIES.maxBackoffRetries)).toEqual([255.5 + 14 * 256, 511 + 14 * 300]);
    expect(255.5 + 14 * 256).toBeGreaterThanOrEqual(3600);
    // Alloy's defaults (500ms, 5m, 10 retries) give up after 4 to 8.5 minutes.
    expect(retryWindowSeconds(0.5, 300, 10)).toEqual([255.5, 511]);
    expect(text).toContain("64.0 to 78.5 minutes before the batch is dropped");
  });

  it("escapes strings so they parse back to the same values", () => {
    const tricky = { ...cfg, site: 'ho"me\\', device: "ga\nrage\t`x`", edgeAgentService: "edge \u0001 agent", lokiPushUrl: "http://hub:3100/loki/api/v1/push?a=\"b\"" };
    const out = renderAlloyConfig(tricky);
    expect(undocumentedAlloyKeys(out)).toEqual([]);
    const parsed = parseAlloy(out);
    expect(component(parsed, "loki.write").attrs.get("external_labels")).toEqual({ site: 'ho"me\\', device: "ga\nrage\t`x`" });
    expect(child(component(parsed, "loki.write"), "endpoint").attrs.get("url")).toBe(tricky.lokiPushUrl);
    expect(component(parsed, "local.file_match").attrs.get("path_targets")).toEqual([{ __path__: cfg.edgeAgentLogGlob, service: "edge \u0001 agent" }]);
    expect(out).toContain('"site" = "ho\\"me\\\\"');
  });

  it("is byte-stable and starts with the generated-file header", () => {
    expect(text.startsWith("// Generated by home-observability from the site inventory.")).toBe(true);
    expect(text.endsWith("}\n")).toBe(true);
    const reordered = Object.fromEntries(Object.entries(cfg).reverse()) as unknown as LogAgentConfig;
    expect(renderAlloyConfig(reordered)).toBe(text);
    expect(renderAlloyConfig({ ...cfg })).toBe(text);
  });

  it("fails when defaultSeverity is not one of the severities", () => {
    expect(() => renderAlloyConfig({ ...cfg, defaultSeverity: "Loud" })).toThrow(
      'alloy config: defaultSeverity must be one of critical, error, warning, info, debug, got "Loud"',
    );
  });
});

describe("alloyCommand", () => {
  it("runs the rendered file with the HTTP server on all interfaces and positions on the data volume", () => {
    expect(alloyCommand(cfg)).toEqual(["run", "--server.http.listen-addr=0.0.0.0:12345", "--storage.path=/var/lib/alloy/data", "/etc/alloy/config.alloy"]);
  });
});

describe("undocumentedAlloyKeys", () => {
  const text = renderAlloyConfig(cfg);

  it("fails when an argument is misspelled, a block or component is unknown, or a label is missing", () => {
    const broken = text
      .replace("max_backoff_period ", "max_backof_period  ")
      .replace("stage.json {", "stage.jsonn {")
      .replace('loki.source.docker "containers" {', 'loki.source.dockerr "containers" {')
      .concat('\nlogging {\n  level = "info"\n}\n\nloki.write {\n}\n');
    expect(undocumentedAlloyKeys(broken)).toEqual([
      "loki.source.dockerr: not a component in the " + REFERENCE_LABEL + " reference",
      "loki.process.severity.stage.jsonn: not in the " + REFERENCE_LABEL + " reference",
      "loki.write.default.endpoint.max_backof_period: not in the " + REFERENCE_LABEL + " reference",
      "logging: not a component in the " + REFERENCE_LABEL + " reference",
      "loki.write: a component needs a label",
    ]);
  });

  it("fails when an argument of a nested block is misspelled, also in blocks the docs share between components", () => {
    const broken = text.replace(
      "    max_backoff_retries = 24\n",
      '    max_backoff_retries = 24\n\n    oauth2 {\n      client_id      = "u"\n      client_secrett = "s"\n\n      tls_config {\n        ca_fil = "ca.pem"\n      }\n    }\n',
    );
    expect(undocumentedAlloyKeys(broken)).toEqual([
      "loki.write.default.endpoint.oauth2.client_secrett: not in the " + REFERENCE_LABEL + " reference",
      "loki.write.default.endpoint.oauth2.tls_config.ca_fil: not in the " + REFERENCE_LABEL + " reference",
    ]);
  });

  it("fails when the text does not parse", () => {
    expect(undocumentedAlloyKeys('loki.write "default" {\n  endpoint {\n    url = "x"\n  }\n')).toEqual(['does not parse: line 5: expected an attribute or block name, got ""']);
    expect(undocumentedAlloyKeys('loki.write "default" {\n  external_labels = {"a" = "b\\q"}\n}\n')).toEqual(["does not parse: line 2: unknown escape \\q"]);
  });
});
