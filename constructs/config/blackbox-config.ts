/** A camera as blackbox_exporter probes it. */
export interface CameraProbe {
  readonly name: string;
  readonly address: string;
  readonly probe: "icmp" | "tcp" | "http";
  /** @default 554 for tcp (RTSP), 80 for http */
  readonly port?: number;
  /** HTTP path of an http probe. @default "/" */
  readonly path?: string;
}
import { toYaml } from "./yaml";

/** One blackbox_exporter module per probe kind the inventory offers. */
export const PROBE_MODULES = { icmp: "camera_icmp", tcp: "camera_tcp", http: "camera_http" } as const;

/** The module that checks a host's own certificate: TLS handshake, chain verified against the private CA. */
export const CERTIFICATE_MODULE = "tls_certificate";

export interface BlackboxConfig {
  /** Seconds a probe may take; below the probe scrape interval. */
  readonly timeoutSeconds: number;
  /** The camera modules (ICMP, TCP, HTTP). @default true */
  readonly cameraModules?: boolean;
  /** The private CA's certificate: adds the certificate module. @default - no certificate module */
  readonly caFile?: string;
}

/**
 * Renders blackbox.yml: ICMP echo, TCP connect (RTSP port) and HTTP 2xx probes of
 * cameras, and the certificate module (its probe reports probe_ssl_earliest_cert_expiry).
 */
export function renderBlackboxConfig(cfg: BlackboxConfig): string {
  const timeout = `${cfg.timeoutSeconds}s`;
  const cameraModules = {
    [PROBE_MODULES.icmp]: { prober: "icmp", timeout, icmp: { preferred_ip_protocol: "ip4" } },
    [PROBE_MODULES.tcp]: { prober: "tcp", timeout, tcp: { preferred_ip_protocol: "ip4" } },
    // Cameras serve self-signed certificates or plain HTTP on the LAN; a 2xx or 401
    // (login page) both prove the web server is up.
    [PROBE_MODULES.http]: {
      prober: "http",
      timeout,
      http: { preferred_ip_protocol: "ip4", valid_status_codes: [200, 204, 301, 302, 401], follow_redirects: false },
    },
  };
  const certificateModule = cfg.caFile
    ? { [CERTIFICATE_MODULE]: { prober: "tcp", timeout, tcp: { preferred_ip_protocol: "ip4", tls: true, tls_config: { ca_file: cfg.caFile } } } }
    : {};
  return toYaml({ modules: { ...(cfg.cameraModules === false ? {} : cameraModules), ...certificateModule } });
}

/** What blackbox_exporter is asked to probe for a camera, and with which module. */
export function probeOf(camera: CameraProbe): { target: string; module: string } {
  switch (camera.probe) {
    case "icmp":
      return { target: camera.address, module: PROBE_MODULES.icmp };
    case "tcp":
      return { target: `${camera.address}:${camera.port ?? 554}`, module: PROBE_MODULES.tcp };
    case "http":
      return { target: `http://${camera.address}:${camera.port ?? 80}${camera.path ?? "/"}`, module: PROBE_MODULES.http };
  }
}
