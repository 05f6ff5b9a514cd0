#!/usr/bin/env bash
# promtool, for the alert rule test (test/medium/tenant-health.test.ts runs `promtool test rules`
# against deploy/prometheus/alerts.yml).
#   promtool.sh ensure   make promtool available when it is missing
#   promtool.sh path     print the promtool the tests run
# Uses PROMTOOL_PATH when set, else /usr/bin/promtool when Debian's prometheus package is
# installed, else .run/tools/promtool: extracted from Debian's prometheus package (apt-get
# download, dpkg-deb -x) without installing it, so no Prometheus server is set up or started.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
local_tool="$root/.run/tools/promtool"

log() { printf '[promtool] %s\n' "$*" >&2; }

path() {
  if [ -n "${PROMTOOL_PATH:-}" ]; then echo "$PROMTOOL_PATH"
  elif [ -x /usr/bin/promtool ]; then echo /usr/bin/promtool
  else echo "$local_tool"; fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else return 1; fi
}

ensure() {
  local tool
  tool="$(path)"
  if [ -x "$tool" ]; then return 0; fi
  if [ -n "${PROMTOOL_PATH:-}" ]; then log "PROMTOOL_PATH=$PROMTOOL_PATH is not an executable"; exit 1; fi
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || { log "no apt-get/dpkg-deb: install promtool yourself and set PROMTOOL_PATH"; exit 1; }
  log "extracting promtool from Debian's prometheus package (first time only)"
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  if ! (cd "$work" && apt-get download prometheus >/dev/null 2>&1); then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null || { log "apt-get update failed (not root and no sudo?)"; exit 1; }
    (cd "$work" && apt-get download prometheus >/dev/null)
  fi
  dpkg-deb -x "$work"/prometheus_*.deb "$work/x"
  mkdir -p "$(dirname "$local_tool")"
  cp "$work/x/usr/bin/promtool" "$local_tool"
  chmod +x "$local_tool"
  log "$("$local_tool" --version 2>&1 | head -1)"
}

case "${1:-}" in
  ensure) ensure ;;
  path) path ;;
  *) echo "usage: promtool.sh ensure|path" >&2; exit 2 ;;
esac
