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
