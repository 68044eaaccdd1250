#!/usr/bin/env bash
# Downloads the upstream Loki and Promtail configuration references that the tests
# check generated configs against, for CI runners that lack ../shared/ beside the
# clone. Usage: scripts/fetch-config-references.sh DIR; then CONFIG_REFERENCES_DIR=DIR.
set -euo pipefail
dir=${1:?usage: $0 DIR}
raw=https://raw.githubusercontent.com/grafana/loki
mkdir -p "$dir/promtail-v3.6.15-stages"
curl -fsSL "$raw/v3.7.6/docs/sources/shared/configuration.md" -o "$dir/loki-v3.7.6-configuration.md"
curl -fsSL "$raw/v3.6.15/docs/sources/send-data/promtail/configuration.md" -o "$dir/promtail-v3.6.15-configuration.md"
for stage in cri decolorize docker drop eventlogmessage geoip json labelallow labeldrop labels limit logfmt match \
  metrics multiline output pack regex replace sampling static_labels structured_metadata template tenant timestamp; do
  curl -fsSL "$raw/v3.6.15/docs/sources/send-data/promtail/stages/$stage.md" -o "$dir/promtail-v3.6.15-stages/$stage.md"
done
