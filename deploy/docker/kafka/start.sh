#!/usr/bin/env bash
# Starts the compose broker (docker-compose.yml) with SASL/SCRAM: fills the admin password into
# server.properties and, on first start, formats storage with a SCRAM credential for the admin
# and for every principal in KAFKA_SCRAM_USERS ("name=password name=password ...").
# KAFKA_HOME (/opt/kafka) and KAFKA_CONFIG_DIR (/opt/scim/kafka) locate the broker and this directory.
set -euo pipefail
: "${KAFKA_ADMIN_PASSWORD:?KAFKA_ADMIN_PASSWORD must be set}"
: "${KAFKA_SCRAM_USERS:?KAFKA_SCRAM_USERS must be set}"
home="${KAFKA_HOME:-/opt/kafka}"
config_dir="${KAFKA_CONFIG_DIR:-/opt/scim/kafka}"
work="${KAFKA_WORK_DIR:-/tmp/scim-kafka}"
mkdir -p "$work"
umask 077

# The admin password goes only into files of this private work directory (and, once, the format command).
escape() { printf '%s' "$1" | sed -e 's/[\/&|\\]/\\&/g'; }
sed -e "s|@KAFKA_ADMIN_PASSWORD@|$(escape "$KAFKA_ADMIN_PASSWORD")|" "$config_dir/server.properties" > "$work/server.properties"
cat > "$work/admin.properties" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
PROPS

log_dir="$(sed -n 's/^log.dirs=//p' "$work/server.properties")"
if [ ! -f "$log_dir/meta.properties" ]; then
  scram=(--add-scram "SCRAM-SHA-512=[name=admin,password=$KAFKA_ADMIN_PASSWORD]")
  for user in $KAFKA_SCRAM_USERS; do
    scram+=(--add-scram "SCRAM-SHA-512=[name=${user%%=*},password=${user#*=}]")
  done
  "$home/bin/kafka-storage.sh" format --cluster-id "$("$home/bin/kafka-storage.sh" random-uuid)" --config "$work/server.properties" "${scram[@]}"
fi
exec "$home/bin/kafka-server-start.sh" "$work/server.properties"
