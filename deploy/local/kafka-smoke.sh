#!/usr/bin/env bash
# Chooses the broker version: runs kafka-smoke.js against each candidate, newest first, each on
# its own ports and storage, and prints one line per version. Pass versions as arguments.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(4.4.0 4.3.1 4.2.0 4.1.1 3.9.1)
for v in "${versions[@]}"; do
  run_dir="$(mktemp -d)"
  export KAFKA_VERSION="$v" KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093 KAFKA_RUN_DIR="$run_dir"
  if bash "$here/kafka.sh" start >/dev/null 2>&1; then
    node "$here/kafka-smoke.js" 127.0.0.1:19092 "$v"
  else
    printf '%s {"ok":false,"error":"broker did not start"}\n' "$v"
  fi
  bash "$here/kafka.sh" stop >/dev/null 2>&1
  rm -rf "$run_dir"
done
