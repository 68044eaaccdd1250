/** GET with busybox wget, present in the prom/* images and Grafana's. */
export const wgetHealthcheck = (url: string) => ["wget", "-q", "-O", "/dev/null", url];

/**
 * GET with bash's /dev/tcp, for images that have bash but no HTTP client
 * (grafana/promtail 3.3+ and grafana/alloy ship neither wget nor curl).
 */
export const bashHealthcheck = (port: number, path: string) => [
  "bash",
  "-c",
  `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '`,
];

/**
 * For the services behind an exporter-toolkit web config (Prometheus server and
 * agent, Alertmanager, the pushgateway, node_exporter, blackbox_exporter): every
 * path needs basic auth, and busybox wget, the only client in their images,
 * takes credentials only on its command line, where every user of the Docker host
 * can read them (/proc/<pid>/cmdline). So the check sends none and passes on the
 * 401: the process is up and serving, over TLS with its certificate when `url`
 * is https, with its web config (users) loaded. A crash-looping or hung service
 * fails it. `--no-check-certificate`: loopback, and busybox verifies no chain anyway.
 */
export const unauthorizedHealthcheck = (url: string) => ["sh", "-c", `wget -q -O /dev/null --no-check-certificate ${url} 2>&1 | grep -q ' 401 Unauthorized'`];

/** The check above for a service with `tlsHost` (https) or without (a lab site: http). */
export const webConfigHealthcheck = (tlsHost: string | undefined, hostPort: string, path: string) => unauthorizedHealthcheck(`${tlsHost ? "https" : "http"}://${hostPort}${path}`);
