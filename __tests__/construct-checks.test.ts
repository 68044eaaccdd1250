// Mistakes made through the components directly (no inventory in front) fail at
// construction, naming the construct path and the value.
import { Network } from "@cdktf/provider-docker/lib/network";
import { Testing, TerraformStack } from "cdktf";
import { Alertmanager, AlertmanagerProps, Credentials, HostConflictError, Prometheus, Pushgateway, SecretVariables } from "../index";

function host() {
  const stack = new TerraformStack(Testing.app(), "pi");
  const network = new Network(stack, "network", { name: "observability" });
  const secrets = new SecretVariables(stack, "secrets");
  const credentials = new Credentials(stack, "credentials", { hosts: [{ host: "pi", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] }], passwordIdentities: ["operator", "prometheus"] });
  return { stack, context: { network, secrets, credentials } };
}

const access = { tlsHost: "pi", users: ["operator"] };
const alerting = (config: Partial<AlertmanagerProps["config"]>): AlertmanagerProps["config"] => ({
  receivers: [{ name: "phone", type: "webhook", urlVariable: "phone_url" }],
  routes: { critical: ["phone"], warning: [], info: [] },
  ...config,
});

describe("components check themselves", () => {
  it("fails when two Prometheus run on one Docker host, naming both", () => {
    const { stack, context } = host();
    const props = { ...context, access, clientIdentity: { username: "prometheus" } };
    new Prometheus(stack, "prometheus", props);
    expect(() => new Prometheus(stack, "prometheus-2", props)).toThrow(HostConflictError);
    expect(() => new Prometheus(stack, "prometheus-3", props)).toThrow('pi/prometheus-3/service: container name "prometheus" is already used on this Docker host by pi/prometheus/service');
  });

  it("fails when a route names an undefined receiver", () => {
    const { stack, context } = host();
    expect(() => new Alertmanager(stack, "alertmanager", { ...context, access, config: alerting({ routes: { critical: ["phone"], warning: ["email"], info: [] } }) })).toThrow(
      'pi/alertmanager: config: routes.warning names receiver "email", which is not in receivers (phone)',
    );
  });

  it("fails when no receiver takes critical alerts", () => {
    const { stack, context } = host();
    expect(() => new Alertmanager(stack, "alertmanager", { ...context, access, config: alerting({ routes: { critical: [], warning: ["phone"], info: [] } }) })).toThrow(
      "pi/alertmanager: config: routes.critical must name at least one receiver: every alert without a known severity goes there, got []",
    );
  });

  it("fails when a secret variable name is not a Terraform name", () => {
    const { stack, context } = host();
    expect(() => new Alertmanager(stack, "alertmanager", { ...context, access, config: alerting({ receivers: [{ name: "phone", type: "webhook", urlVariable: "X-URL" }] }) })).toThrow(
      /^pi\/alertmanager: config: secret variable name must be a Terraform variable name: 1-63 lowercase letters.*, got "X-URL"$/,
    );
  });

  it("fails when a component asks Credentials for someone it does not know, naming the component", () => {
    const { stack, context } = host();
    expect(() => new Pushgateway(stack, "pushgateway", { ...context, access: { tlsHost: "pi", users: ["operator", "ring"] } })).toThrow(
      'pi/pushgateway: unknown password identity "ring": pi/credentials has operator, prometheus (add it to its hosts or passwordIdentities)',
    );
  });

  it("fails when a service serves the certificate of a host Credentials does not issue, naming the service", () => {
    const { stack, context } = host();
    expect(() => new Pushgateway(stack, "pushgateway", { ...context, access: { tlsHost: "shed", users: ["operator"] } })).toThrow(
      'pi/pushgateway/service: serves the certificate of host "shed", which pi/credentials does not issue (hosts: pi)',
    );
  });

  it("puts the container names of the services that serve a certificate into it", () => {
    const { stack, context } = host();
    new Pushgateway(stack, "pushgateway", { ...context, access });
    new Prometheus(stack, "prometheus", { ...context, access, clientIdentity: { username: "prometheus" } });
    const requests = JSON.parse(Testing.synth(stack)).resource.tls_cert_request;
    expect(Object.values(requests).map((r) => (r as { dns_names: string[] }).dns_names)).toEqual([["prometheus", "pushgateway", "localhost"]]);
  });

  it("fails when a published port is taken, naming both", () => {
    const { stack, context } = host();
    new Pushgateway(stack, "pushgateway", { ...context, access, publish: { address: "0.0.0.0", port: 9090 } });
    expect(() => new Prometheus(stack, "prometheus", { ...context, access, clientIdentity: { username: "prometheus" }, publish: { address: "192.168.1.30" } })).toThrow(
      "pi/prometheus/service: address 192.168.1.30:9090 is already used on this Docker host by pi/pushgateway/service",
    );
  });
});

describe("components take an image override", () => {
  it("runs the image given (a mirror), else the pinned default", () => {
    const { stack, context } = host();
    new Pushgateway(stack, "pushgateway", { ...context, access, image: "registry.home.arpa/prom/pushgateway:v1.11.4" });
    const synth = JSON.parse(Testing.synth(stack));
    expect(Object.values<{ name: string }>(synth.resource.docker_image).map((i) => i.name)).toContain("registry.home.arpa/prom/pushgateway:v1.11.4");
  });

  it("fails when an image is not pinned", () => {
    const { stack, context } = host();
    expect(() => new Pushgateway(stack, "pushgateway", { ...context, access, image: "prom/pushgateway:latest" })).toThrow(
      `pi/pushgateway/service: image must be an image reference pinned by tag, such as ghcr.io/owner/name:1.2.3 (optionally @sha256:...), and not the floating tag 'latest', got "prom/pushgateway:latest"`,
    );
  });
});
