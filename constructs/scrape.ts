// How a component offers its metrics, and how a scraper (Prometheus, the
// agent) turns what it was given into scrape jobs. A stack wires components by
// object reference, `prometheus.scrape(pushgateway)`: the component knows its
// container name, ports, scheme and credentials; the stack only says where the
// scraper stands (the same Docker network, or another host) and the labels.
import { IConstruct } from "constructs";
import type { HttpClient, Relabel, ScrapeJob, ScrapeTarget } from "./config/prometheus-config";
import type { HostBinding } from "./common-props";

/** What an endpoint asks of its scraper: nothing, a server certificate to verify, a password, or a client certificate. */
export type EndpointCheck = "none" | "server-tls" | "basic-auth" | "client-certificate";

/** Job-wide settings an endpoint needs (every endpoint of one job brings the same). */
export interface ScrapeJobSettings {
  /** @default - the scraper's interval */
  readonly scrapeIntervalSeconds?: number;
  /** @default false */
  readonly honorLabels?: boolean;
  /** @default [] */
  readonly targetRelabels?: readonly Relabel[];
  /** @default [] */
  readonly metricRelabels?: readonly Relabel[];
}

/** One scrape target a component offers. */
export interface MetricsEndpoint {
  /** Scrape job it belongs to; endpoints of the same job from other hosts join it. */
  readonly job: string;
  /** host:port the scraper dials. */
  readonly address: string;
  readonly scheme: "http" | "https";
  /** @default "/metrics" */
  readonly metricsPath?: string;
  readonly check: EndpointCheck;
  /** The target's own labels: `service`, and for probes `camera` and the `__param_*` of /probe. */
  readonly labels: Readonly<Record<string, string>>;
  /** Where the scraper dials instead, and how (a gateway in front; `check` is then the gateway's). @default - the endpoint itself */
  readonly through?: { readonly scheme: "http" | "https"; readonly metricsPath: string; readonly address: string };
  /** @default {} */
  readonly jobSettings?: ScrapeJobSettings;
}

/** Where the scraper stands. */
export interface ScrapeReach {
  /**
   * The component's host address, for a scraper that is not on its Docker network
   * (the hub scraping a node, a host-network agent): the component must be
   * published there. @default - the same Docker network: container names
   */
  readonly host?: string;
}

/** A component whose metrics can be scraped. */
export interface Scrapeable extends IConstruct {
  metricsEndpoints(reach: ScrapeReach): readonly MetricsEndpoint[];
}

/**
 * Every component a scrape of `component` reaches: itself and, for a gateway,
 * the components behind it. A scraper takes each once.
 */
export function reachedComponents(component: Scrapeable): IConstruct[] {
  const behind = (component as { behind?: readonly Scrapeable[] }).behind ?? [];
  return [component, ...behind];
}

/** Fails, naming both, when a scraper is given a component it already scrapes or watches. */
export function claimOnce(scraper: IConstruct, watched: Set<IConstruct>, component: Scrapeable): void {
  for (const part of reachedComponents(component)) {
    if (watched.has(part)) throw new Error(`${scraper.node.path}: ${part.node.path} is scraped or watched twice (directly or behind a gateway)`);
  }
  for (const part of reachedComponents(component)) watched.add(part);
}

/**
 * The address of a container's port as a scraper reaches it: its name on the
 * shared network, or the host's address at the published port. Fails, naming
 * the component, when a scraper on another host is wired to an unpublished port.
 */
export function reachAddress(component: IConstruct, reach: ScrapeReach, containerName: string, containerPort: number, publish: HostBinding | undefined): string {
  if (reach.host === undefined) return `${containerName}:${containerPort}`;
  if (!publish) throw new Error(`${component.node.path}: scraped from another host (${reach.host}) but not published on it; give it a publish binding`);
  return `${reach.host}:${publish.port ?? containerPort}`;
}

/** The client settings a scraper uses for each kind of check. */
export type ScrapeClients = Readonly<Partial<Record<Exclude<EndpointCheck, "none">, HttpClient>>>;

interface Entry {
  readonly endpoint: MetricsEndpoint;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Endpoints collected by a scraper, in the order given, grouped into jobs.
 * A job takes its scheme and path from its first target; a target that differs
 * (a lab site without TLS, a gateway path) carries its own. Its client holds
 * what its targets check: a password, and the strongest TLS any of them needs.
 */
export class ScrapeJobSet {
  private readonly entries: Entry[] = [];
  private readonly settingsByJob = new Map<string, string>();

  /** Fails when an endpoint's job settings differ from those its job already has (one job, one interval). */
  add(endpoints: readonly MetricsEndpoint[], labels: Readonly<Record<string, string>>): void {
    for (const endpoint of endpoints) {
      const settings = JSON.stringify(endpoint.jobSettings ?? {});
      const known = this.settingsByJob.get(endpoint.job);
      if (known !== undefined && known !== settings) throw new Error(`scrape job ${JSON.stringify(endpoint.job)} already has settings ${known}, not ${settings}`);
      this.settingsByJob.set(endpoint.job, settings);
    }
    for (const endpoint of endpoints) this.entries.push({ endpoint, labels });
  }

  /** Names of the jobs collected so far. */
  jobNames(): Set<string> {
    return new Set(this.entries.map((entry) => entry.endpoint.job));
  }

  jobs(clients: ScrapeClients): ScrapeJob[] {
    const byJob = new Map<string, Entry[]>();
    for (const entry of this.entries) {
      const job = byJob.get(entry.endpoint.job);
      if (job) job.push(entry);
      else byJob.set(entry.endpoint.job, [entry]);
    }
    return [...byJob.entries()].map(([name, entries]) => assembleJob(name, entries, clients));
  }
}

function assembleJob(name: string, entries: readonly Entry[], clients: ScrapeClients): ScrapeJob {
  const first = entries[0].endpoint;
  const scheme = first.scheme;
  const metricsPath = first.metricsPath ?? "/metrics";
  const targets: ScrapeTarget[] = entries.map(({ endpoint, labels }) => {
    const targetScheme = endpoint.through?.scheme ?? endpoint.scheme;
    const targetPath = endpoint.through?.metricsPath ?? endpoint.metricsPath ?? "/metrics";
    return {
      address: endpoint.through?.address ?? endpoint.address,
      labels: { ...labels, ...endpoint.labels },
      ...(targetScheme !== scheme ? { scheme: targetScheme } : {}),
      ...(targetPath !== metricsPath ? { metricsPath: targetPath } : {}),
    };
  });
  const settings = first.jobSettings ?? {};
  return {
    name,
    scheme,
    metricsPath,
    client: jobClient(new Set(entries.map(({ endpoint }) => endpoint.check)), clients),
    targets,
    ...settings,
  };
}

/** A password where any target asks for one; the strongest TLS any target needs. */
function jobClient(checks: ReadonlySet<EndpointCheck>, clients: ScrapeClients): HttpClient | undefined {
  const basicAuth = checks.has("basic-auth") ? clients["basic-auth"]?.basicAuth : undefined;
  const strongest = (["client-certificate", "basic-auth", "server-tls"] as const).find((check) => checks.has(check) && clients[check]?.tls);
  const tls = strongest ? clients[strongest]!.tls : undefined;
  if (!basicAuth && !tls) return undefined;
  return { ...(basicAuth ? { basicAuth } : {}), ...(tls ? { tls } : {}) };
}
