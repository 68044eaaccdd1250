// The gateway renderer's per-route client lists: the operator's reads of Loki.
import { renderNginxGateway } from "../constructs/config/nginx-gateway";

const base = {
  port: 3100,
  healthPort: 8081,
  certFile: "/c",
  keyFile: "/k",
  clientCaFile: "/ca",
  allowedClients: ["hub", "edge-home-porch", "operator"],
  tempDir: "/tmp",
  resolver: "127.0.0.11",
};

describe("nginx gateway renderer", () => {
  const conf = renderNginxGateway({
    ...base,
    routes: [
      { path: "/loki/api/v1/push", method: "POST", upstream: "http://loki:3100/loki/api/v1/push" },
      { path: "/ready", method: "GET", upstream: "http://loki:3100/ready", clients: ["operator"], passQuery: true },
      { path: "/loki/api/v1/query_range", method: "GET", upstream: "http://loki:3100/loki/api/v1/query_range", clients: ["operator"], passQuery: true },
    ],
  });

  it("lets a route without its own list take every allowed client", () => {
    expect(conf).toMatch(/map \$client_cn \$client_allowed \{\n    default 0;\n    "edge-home-porch" 1;\n    "hub" 1;\n    "operator" 1;\n  \}/);
    expect(conf).toMatch(/location = \/loki\/api\/v1\/push \{\n      if \(\$client_allowed != 1\) \{ return 403; \}\n      limit_except POST \{ deny all; \}\n      set \$upstream http:\/\/loki:3100\/loki\/api\/v1\/push;/);
  });

  it("gives routes with the same client list one map of their own, and passes their query strings", () => {
    expect(conf).toMatch(/map \$client_cn \$client_allowed_1 \{\n    default 0;\n    "operator" 1;\n  \}/);
    expect(conf).not.toContain("$client_allowed_2");
    expect(conf).toMatch(/location = \/loki\/api\/v1\/query_range \{\n      if \(\$client_allowed_1 != 1\) \{ return 403; \}\n      limit_except GET \{ deny all; \}\n      set \$upstream http:\/\/loki:3100\/loki\/api\/v1\/query_range\$is_args\$args;/);
  });

  it("fails when a route names a client the gateway does not allow", () => {
    expect(() => renderNginxGateway({ ...base, routes: [{ path: "/ready", method: "GET", upstream: "http://loki:3100/ready", clients: ["intruder"] }] })).toThrow(
      'renderNginxGateway: route /ready names clients outside allowedClients: ["intruder"]',
    );
  });
});
