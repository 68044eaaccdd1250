#!/usr/bin/env bash
# Downloads the upstream configuration references that references/*.json are
# extracted from (Loki and Promtail from grafana/loki, Alloy's component docs from
# grafana/alloy), laid out as scripts/extract-config-references.ts reads them.
# The tests need none of this: they read references/. Usage:
#   scripts/fetch-config-references.sh DIR
#   npm run references -- DIR                       # regenerate references/*.json
#   CONFIG_REFERENCES_DIR=DIR npx jest references   # or prove they are up to date
set -euo pipefail
dir=${1:?usage: $0 DIR}
loki=https://raw.githubusercontent.com/grafana/loki
mkdir -p "$dir/promtail-v3.6.15-stages"
curl -fsSL "$loki/v3.7.6/docs/sources/shared/configuration.md" -o "$dir/loki-v3.7.6-configuration.md"
curl -fsSL "$loki/v3.6.15/docs/sources/send-data/promtail/configuration.md" -o "$dir/promtail-v3.6.15-configuration.md"
for stage in cri decolorize docker drop eventlogmessage geoip json labelallow labeldrop labels limit logfmt match \
  metrics multiline output pack regex replace sampling static_labels structured_metadata template tenant timestamp; do
  curl -fsSL "$loki/v3.6.15/docs/sources/send-data/promtail/stages/$stage.md" -o "$dir/promtail-v3.6.15-stages/$stage.md"
done
# The components config.alloy uses, and the shared files their docs include.
alloy=https://raw.githubusercontent.com/grafana/alloy/v1.19.0-rc.3/docs/sources
for doc in reference/components/local/local.file_match.md reference/components/loki/loki.source.file.md \
  reference/components/discovery/discovery.docker.md reference/components/discovery/discovery.relabel.md \
  reference/components/loki/loki.source.docker.md reference/components/loki/loki.process.md \
  reference/components/loki/loki.write.md \
  shared/reference/components/authorization-block.md shared/reference/components/basic-auth-block.md \
  shared/reference/components/http-client-config-block.md shared/reference/components/http-client-proxy-config-description.md \
  shared/reference/components/oauth2-block.md shared/reference/components/rule-block.md \
  shared/reference/components/tls-config-block.md shared/stability/experimental_feature.md; do
  curl -fsSL --create-dirs "$alloy/$doc" -o "$dir/alloy-v1.19.0-rc.3/$doc"
done
