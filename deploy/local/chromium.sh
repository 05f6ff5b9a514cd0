#!/usr/bin/env bash
# Headless Chromium for the browser test of the audit dashboard (test/medium/audit-dashboard.test.ts).
#   chromium.sh ensure   install Debian's `chromium` package when the browser is missing
#   chromium.sh path     print the browser the tests launch
# The tests launch CHROMIUM_PATH when set, else /usr/bin/chromium. playwright-core drives it; its
# own browser download is not used, so the tests need no network beyond the Debian mirror here.
set -euo pipefail

browser="${CHROMIUM_PATH:-/usr/bin/chromium}"

log() { printf '[chromium] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    log "not root and no sudo: install Chromium yourself (apt-get install chromium) or set CHROMIUM_PATH"
    exit 1
  fi
}

ensure() {
  if [ -x "$browser" ]; then return 0; fi
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    log "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"
    exit 1
  fi
  command -v apt-get >/dev/null || { log "no apt-get: install Chromium yourself and set CHROMIUM_PATH"; exit 1; }
  log "installing Debian's chromium package (first time only)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
  [ -x "$browser" ] || { log "chromium installed but $browser is missing"; exit 1; }
  log "$("$browser" --version 2>/dev/null || echo "$browser")"
}

case "${1:-}" in
  ensure) ensure ;;
  path) echo "$browser" ;;
  *) echo "usage: chromium.sh ensure|path" >&2; exit 2 ;;
esac
