#!/usr/bin/env bash
# Runs real Apache Kafka without Docker: one KRaft node (broker + controller) on 127.0.0.1.
#   kafka.sh fetch   resolve the broker jars from Maven Central into a cache outside git
#   kafka.sh start   fetch if needed, format storage on first start, start, wait for metadata
#   kafka.sh stop    stop the node started by `start` (SIGTERM, then SIGKILL after 30 s)
#   kafka.sh status  exit 0 when our node is running
#   kafka.sh ready   wait until the node answers metadata requests
#   kafka.sh run     fetch and format if needed, then run the node in the foreground (for a
#                    supervisor: the process it starts IS the broker, so it sees it die)
# Environment: KAFKA_VERSION (default from kafka.env), KAFKA_PORT (9092),
# KAFKA_CONTROLLER_PORT (9093), KAFKA_RUN_DIR (<project>/.run/kafka), KAFKA_CACHE_DIR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
pinned_version="$(sed -n 's/^KAFKA_VERSION=//p' "$here/kafka.env")"
version="${KAFKA_VERSION:-$pinned_version}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
run_dir="${KAFKA_RUN_DIR:-$root/.run/kafka}"
cache_dir="${KAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/scim-platform/kafka}"
lib_dir="$cache_dir/$version/libs"
pid_file="$run_dir/kafka.pid"
log_file="$run_dir/kafka.log"

log() { printf '[kafka] %s\n' "$*" >&2; }

fetch() {
  if [ -f "$lib_dir/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || { log "Maven (mvn) is required to fetch Kafka's jars"; exit 1; }
  command -v java >/dev/null || { log "Java 17+ is required to run Kafka"; exit 1; }
  log "fetching Apache Kafka $version jars from Maven Central into $lib_dir"
  rm -rf "$lib_dir" && mkdir -p "$lib_dir"
  mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies \
    -Dkafka.version="$version" -DincludeScope=runtime -DoutputDirectory="$lib_dir"
  touch "$lib_dir/.complete"
}

running() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

write_config() {
  mkdir -p "$run_dir/data"
  cat > "$run_dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controller_port}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${run_dir}/data
# Topics are created explicitly from the contracts lib, never by a stray producer.
auto.create.topics.enable=false
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
PROPS
}

prepare() {
  fetch
  write_config
  local cp="$lib_dir/*"
  if [ -f "$run_dir/data/meta.properties" ] && [ "$(cat "$run_dir/version" 2>/dev/null)" != "$version" ]; then
    log "storage in $run_dir was formatted by Kafka $(cat "$run_dir/version" 2>/dev/null || echo '?'); reformatting for $version"
    rm -rf "$run_dir/data"; mkdir -p "$run_dir/data"
  fi
  if [ ! -f "$run_dir/data/meta.properties" ]; then
    local cluster_id
    cluster_id="$(java -cp "$cp" org.apache.kafka.common.Uuid 2>/dev/null || true)"
    [ -n "$cluster_id" ] || cluster_id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
    log "formatting storage (cluster $cluster_id)"
    java -cp "$cp" -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$run_dir/server.properties" >>"$log_file" 2>&1
    echo "$version" > "$run_dir/version"
  fi
}

start() {
  if running; then log "already running (pid $(cat "$pid_file")) on 127.0.0.1:$port"; return 0; fi
  prepare
  log "starting Kafka $version on 127.0.0.1:$port"
  nohup java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" \
    -cp "$lib_dir/*" kafka.Kafka "$run_dir/server.properties" >>"$log_file" 2>&1 &
  echo $! > "$pid_file"
  wait_ready
}


run_foreground() {
  if running; then log "already running (pid $(cat "$pid_file")) on 127.0.0.1:$port"; exit 1; fi
  prepare
  log "running Kafka $version on 127.0.0.1:$port in the foreground (pid $$)"
  echo $$ > "$pid_file"
  exec java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" \
    -cp "$lib_dir/*" kafka.Kafka "$run_dir/server.properties" >>"$log_file" 2>&1
}

wait_ready() {
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  until node "$here/kafka-ready.js" "127.0.0.1:$port" >/dev/null 2>&1; do
    if ! running; then log "Kafka exited; last lines of $log_file:"; tail -n 30 "$log_file" >&2; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then log "Kafka did not answer metadata in time"; exit 1; fi
    sleep 0.5
  done
  log "ready on 127.0.0.1:$port"
}

stop() {
  if ! running; then rm -f "$pid_file"; log "not running"; return 0; fi
  local pid; pid="$(cat "$pid_file")"
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then log "still running; SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$pid_file"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) running ;;
  run) run_foreground ;;
  ready) wait_ready ;;
  *) echo "usage: $0 fetch|start|stop|status|run|ready" >&2; exit 2 ;;
esac
