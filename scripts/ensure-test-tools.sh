#!/usr/bin/env bash
# The test suite runs the real Prometheus tools from Debian's packages: promtool and
# amtool on the rendered configs, and (__tests__/real/, `npm run preview`) Prometheus,
# Alertmanager, node_exporter, blackbox_exporter and the pushgateway as processes on
# 127.0.0.1; __tests__/real/security.test.ts adds nginx (the TLS gateway) and openssl
# (test certificates), __tests__/real/remote-write.test.ts VictoriaMetrics (the
# long-term store hub.remoteWrite writes to). The Docker tier (__tests__/real/docker)
# starts its own dockerd (Debian's docker.io, with containerd and runc) in network
# namespaces (iproute2's ip, util-linux's nsenter) behind iptables rules, and builds
# its images from .debs (apt-get download, dpkg-deb, tar). `npm run test:fast` needs
# none of them. This installs whichever are missing when run as root, or says how to
# install them.
set -euo pipefail

# command -> Debian package that provides it
declare -A PACKAGE_OF=(
  [promtool]=prometheus
  [prometheus]=prometheus
  [amtool]=prometheus-alertmanager
  [prometheus-alertmanager]=prometheus-alertmanager
  [prometheus-blackbox-exporter]=prometheus-blackbox-exporter
  [prometheus-node-exporter]=prometheus-node-exporter
  [prometheus-pushgateway]=prometheus-pushgateway
  [nginx]=nginx
  [victoria-metrics]=victoria-metrics
  [openssl]=openssl
  [dockerd]=docker.io
  [iptables]=iptables
  [ip]=iproute2
  [nsenter]=util-linux
  [dpkg-deb]=dpkg
  [tar]=tar
)

missing=()
for cmd in "${!PACKAGE_OF[@]}"; do
  package="${PACKAGE_OF[$cmd]}"
  command -v "$cmd" >/dev/null 2>&1 || [[ " ${missing[*]} " == *" $package "* ]] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need: ${missing[*]}. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "Installing test tools: ${missing[*]}" >&2
# The packages would start their daemons; tests start their own, on loopback.
policy=/usr/sbin/policy-rc.d
added_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && added_policy=true
fi
trap '$added_policy && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
