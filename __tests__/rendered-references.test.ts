// Loki, Promtail and Alloy cannot run here: every such file in rendered/ is
// checked key by key against the upstream configuration reference instead.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { undocumentedAlloyKeys } from "./support/alloy-reference";
import { undocumentedKeys } from "./support/config-reference";
import { ROOT } from "./support/example";
import { filesUnder } from "./support/files";

const RENDERED = join(ROOT, "rendered");
const rendered = filesUnder(RENDERED).map((f) => relative(RENDERED, f));
const byService = (service: string, file: string) => rendered.filter((f) => f.endsWith(`/${service}/${file}`));

describe("rendered configs against their upstream references", () => {
  it("covers every node's log agent and the hub's Loki", () => {
    expect(byService("promtail", "promtail.yaml").length + byService("alloy", "config.alloy").length).toBe(4); // 3 nodes + the hub
    expect(byService("loki", "loki.yaml")).toEqual(["hub/loki/loki.yaml"]);
  });

  it.each(byService("promtail", "promtail.yaml"))("%s uses only Promtail 3.6 keys", (file) => {
    expect(undocumentedKeys(parse(readFileSync(join(RENDERED, file), "utf8")), "promtail")).toEqual([]);
  });

  it.each(byService("alloy", "config.alloy"))("%s uses only documented Alloy components and arguments", (file) => {
    expect(undocumentedAlloyKeys(readFileSync(join(RENDERED, file), "utf8"))).toEqual([]);
  });

  it.each(byService("loki", "loki.yaml"))("%s uses only Loki 3.7 keys", (file) => {
    expect(undocumentedKeys(parse(readFileSync(join(RENDERED, file), "utf8")), "loki")).toEqual([]);
  });

  it.each(rendered.filter((f) => f.startsWith("hub/loki/rules/")))("%s is a rule file Loki's ruler reads", (file) => {
    const doc = parse(readFileSync(join(RENDERED, file), "utf8"));
    expect(Object.keys(doc)).toEqual(["groups"]);
  });
});
