"""Stand-in for the images no Debian package provides (Loki, Grafana, Promtail,
Alloy, the operator's camera hub, edge agent and connectors), run by the Docker
test tier under the pinned image names (images.ts).

It does what the stacks rely on from the container, not the service: it reads
every file of its config directory as the container's user (a file the loader
left unreadable fails it), writes its data directory (a volume the image's user
cannot write fails it), listens where the config says, and answers readiness,
/metrics and, for Loki, pushes. Promtail's stand-in pushes one line every few
seconds to its configured client with its configured certificate, so the log
path (agent -> TLS gateway -> Loki) runs with the synthesized TLS settings.
"""
import http.server
import json
import os
import re
import socketserver
import ssl
import sys
import threading
import time
import urllib.request


def log(*parts):
    print("standin:", *parts, file=sys.stderr, flush=True)


def fail(message):
    log("FAILED:", message)
    sys.exit(1)


def flag(args, name, default=None):
    """-name=value or --name=value or -name value."""
    for i, a in enumerate(args):
        m = re.match(r"^--?" + re.escape(name) + r"(?:=(.*))?$", a)
        if m:
            if m.group(1) is not None:
                return m.group(1)
            if i + 1 < len(args):
                return args[i + 1]
    return default


def read_all(directory):
    """Reads every file below directory (as this process's user)."""
    count = 0
    for root, _dirs, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            try:
                with open(path, "rb") as f:
                    f.read()
            except OSError as e:
                fail(f"cannot read {path}: {e}")
            count += 1
    if count == 0:
        fail(f"no files in {directory}")
    log(f"read {count} files below {directory} as uid {os.getuid()}")


def check_writable(directory):
    probe = os.path.join(directory, ".standin-write-check")
    try:
        with open(probe, "w") as f:
            f.write("ok\n")
        os.remove(probe)
    except OSError as e:
        fail(f"cannot write {directory}: {e}")
    log(f"wrote {directory} as uid {os.getuid()}")


pushes = {}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    routes = {}

    def log_message(self, *_args):
        pass

    def reply(self, status, body=b"", content_type="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/metrics":
            with lock:
                total = sum(pushes.values())
            return self.reply(200, f"standin_up 1\nstandin_pushes_total {total}\n".encode())
        if path == "/standin/pushes":
            with lock:
                return self.reply(200, json.dumps(pushes).encode(), "application/json")
        if path in self.routes:
            return self.reply(200, self.routes[path].encode())
        return self.reply(404, b"not found\n")

    do_HEAD = do_GET

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.split("?")[0] == "/loki/api/v1/push":
            who = self.headers.get("X-Client-CN", "")
            with lock:
                pushes[who] = pushes.get(who, 0) + 1
            return self.reply(204)
        return self.reply(404, b"not found\n")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(port, routes, tls=None, host="0.0.0.0"):
    Handler.routes = routes
    server = Server((host, port), Handler)
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls[0], tls[1])
        # Debian's busybox wget (the healthcheck) finds no common cipher with
        # OpenSSL 3's defaults; Go's TLS stack (Grafana's) accepts it.
        context.set_ciphers("ALL:@SECLEVEL=0")
        server.socket = context.wrap_socket(server.socket, server_side=True)
    log(f"listening on {host}:{port}{' (TLS)' if tls else ''}")
    server.serve_forever()


def health(args, default_url):
    url = flag(args, "health.url", default_url)
    try:
        with urllib.request.urlopen(url, timeout=4) as res:
            sys.exit(0 if res.status == 200 else 1)
    except Exception as e:  # noqa: BLE001 - any failure is unhealthy
        log("health:", e)
        sys.exit(1)


def yaml_value(text, key):
    m = re.search(r"^[\s-]*" + re.escape(key) + r":\s*(\S+)\s*$", text, re.M)
    return m.group(1) if m else None


def loki(args):
    if "-health" in args or "--health" in args:
        health(args, "http://localhost:3100/ready")
    config = flag(args, "config.file") or fail("no -config.file")
    text = open(config).read()
    read_all(os.path.dirname(config))
    check_writable(yaml_value(text, "path_prefix") or "/loki")
    serve(int(yaml_value(text, "http_listen_port") or 3100), {"/ready": "ready\n"})


def grafana(_args):
    config = os.environ.get("GF_PATHS_CONFIG", "/etc/grafana/grafana.ini")
    text = open(config).read()
    read_all(os.path.dirname(config))
    for path in re.findall(r"\$__file\{([^}]+)\}", text):
        open(path).read()
    check_writable(os.environ.get("GF_PATHS_DATA", "/var/lib/grafana"))
    ini = dict(re.findall(r"^(\w+)\s*=\s*(.*?)\s*$", text, re.M))
    tls = (ini["cert_file"], ini["cert_key"]) if ini.get("protocol") == "https" else None
    serve(int(ini.get("http_port", 3000)), {"/api/health": '{"database":"ok"}\n'}, tls)


def push_loop(url, ca, cert, key, every=5):
    context = ssl.create_default_context(cafile=ca)
    context.load_cert_chain(cert, key)
    body = json.dumps({"streams": [{"stream": {"source": "standin"}, "values": [["0", "line"]]}]}).encode()
    while True:
        try:
            req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=5, context=context) as res:
                log(f"push to {url}: {res.status}")
        except Exception as e:  # noqa: BLE001 - keep trying, like the real agent
            log(f"push to {url} failed: {e}")
        time.sleep(every)


def promtail(args):
    config = flag(args, "config.file") or fail("no -config.file")
    text = open(config).read()
    read_all(os.path.dirname(config))
    positions = yaml_value(text, "filename")
    if positions:
        check_writable(os.path.dirname(positions))
    url = yaml_value(text, "url")
    ca, cert, key = (yaml_value(text, k) for k in ("ca_file", "cert_file", "key_file"))
    if url and ca and cert and key:
        threading.Thread(target=push_loop, args=(url, ca, cert, key), daemon=True).start()
    serve(int(yaml_value(text, "http_listen_port") or 9080), {"/ready": "Ready\n"})


def alloy(args):
    config = args[1] if len(args) > 1 and args[0] == "run" else fail("usage: alloy run CONFIG")
    open(config).read()
    read_all(os.path.dirname(config))
    check_writable(flag(args, "storage.path", "/var/lib/alloy/data"))
    address = flag(args, "server.http.listen-addr", "127.0.0.1:12345")
    host, port = address.rsplit(":", 1)
    serve(int(port), {"/-/ready": "Alloy is ready.\n"}, host=host or "0.0.0.0")


def cadvisor(args):
    # cAdvisor reads the host through read-only mounts; a writable one is a mistake.
    for path in ["/rootfs", "/sys", "/var/run", "/var/lib/docker"]:
        if not os.path.isdir(path):
            fail(f"{path} is not mounted")
        if os.access(path, os.W_OK):
            fail(f"{path} is writable; cAdvisor's mounts must be read-only")
    serve(int(flag(args, "port", "8080")), {"/healthz": "ok"})


def camera_hub(_args):
    serve(7777, {"/api/status": '{"status":"ok"}\n'})


def edge_agent(_args):
    def write_logs():
        while True:
            with open("/var/log/edge-agent/edge-agent.log", "a") as f:
                f.write(json.dumps({"level": "info", "msg": "standin tick", "ts": time.time()}) + "\n")
            time.sleep(5)

    threading.Thread(target=write_logs, daemon=True).start()
    serve(9400, {})


def connector(_args):
    url = os.environ.get("PUSHGATEWAY_URL")
    if not url:
        return serve(8000, {})
    user = os.environ["PUSHGATEWAY_USERNAME"]
    password = open(os.environ["PUSHGATEWAY_PASSWORD_FILE"]).read().strip()
    context = ssl.create_default_context(cafile=os.environ["PUSHGATEWAY_CA_FILE"])
    import base64

    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    while True:
        try:
            req = urllib.request.Request(f"{url}/metrics/job/{user}", data=b"standin_connector_up 1\n", method="PUT", headers={"Authorization": f"Basic {auth}"})
            with urllib.request.urlopen(req, timeout=5, context=context) as res:
                log(f"push to {url}: {res.status}")
        except Exception as e:  # noqa: BLE001
            log(f"push to {url} failed: {e}")
        time.sleep(10)


ROLES = {"cadvisor": cadvisor, "loki": loki, "grafana": grafana, "promtail": promtail, "alloy": alloy, "camera-hub": camera_hub, "edge-agent": edge_agent, "connector": connector}

if __name__ == "__main__":
    role, rest = sys.argv[1], sys.argv[2:]
    log(f"{role} as uid {os.getuid()}, args {rest}")
    ROLES[role](rest)
