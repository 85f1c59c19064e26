#!/usr/bin/env bash
# Local single-node Elasticsearch for development, tests and CI.
#
#   deploy/local/elasticsearch.sh install|start|stop|status|url   (start prints "started", or "running" when it was already up)
#
# Environment (defaults):
#   ES_PORT            19200                          HTTP port (bound to 127.0.0.1 only)
#   ES_TRANSPORT_PORT  ES_PORT+100 (19300)            transport port (never used for clustering)
#   ES_HEAP            512m                           -Xms/-Xmx
#   ES_START_TIMEOUT   120                            seconds to wait for yellow health
#   ANN_CACHE_DIR      /var/tmp/ann-cache             downloaded zip, unpacked install, plugin build
#   ANN_RUN_DIR        /var/tmp/ann-run/es-$ES_PORT   config copy, data, logs, pid, snapshots
#   ES_USER            ann-es                         system user the node runs as when invoked as root
#   ANN_JAVA_HOME      newest JDK under /usr/lib/jvm  JDK used for the node and the plugin build
#
# See docs/elasticsearch.md.
set -euo pipefail

ANN_LOG_TAG="elasticsearch"
# shellcheck source=deploy/local/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

ES_VERSION="${ES_VERSION:-8.19.21}"
ES_PORT="${ES_PORT:-19200}"
ES_TRANSPORT_PORT="${ES_TRANSPORT_PORT:-$((ES_PORT + 100))}"
ES_HEAP="${ES_HEAP:-512m}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-120}"
ES_USER="${ES_USER:-ann-es}"
ANN_CACHE_DIR="${ANN_CACHE_DIR:-/var/tmp/ann-cache}"
ANN_RUN_DIR="${ANN_RUN_DIR:-/var/tmp/ann-run/es-$ES_PORT}"

ES_URL="http://127.0.0.1:$ES_PORT"
ES_DIST_ZIP="$ANN_CACHE_DIR/dist/elasticsearch-$ES_VERSION.zip"
ES_HOME="$ANN_CACHE_DIR/elasticsearch-$ES_VERSION"
PLUGIN_SRC="$ANN_REPO_ROOT/deploy/elasticsearch/analysis"
PLUGIN_NAME="ann-analysis"
PLUGIN_BUILD_DIR="$ANN_CACHE_DIR/build/ann-analysis"
PLUGIN_HASH_FILE="$ES_HOME/.ann-analysis.sha256"
PIDFILE="$ANN_RUN_DIR/elasticsearch.pid"
CONF_DIR="$ANN_RUN_DIR/config"

usage() {
  sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

es_healthy() {
  ann_http_get "$ES_URL/_cluster/health" 3 >/dev/null
}

# Hash of everything that goes into the plugin zip, plus the ES version it is installed into.
plugin_source_hash() {
  (
    cd "$PLUGIN_SRC"
    printf 'es=%s\n' "$ES_VERSION"
    find pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -d' ' -f1
}

# ---------------------------------------------------------------------------------------- install

fetch_distribution() {
  [ -s "$ES_DIST_ZIP" ] && return 0
  ann_need_mvn
  local t0; t0="$(ann_now)"
  ann_log "fetching Elasticsearch $ES_VERSION from Maven Central (~102 MB)..."
  ann_mkdir_shared "$ANN_CACHE_DIR/dist"
  JAVA_HOME="$JAVA_HOME_PICKED" ann_quiet mvn -B -q -f "$ANN_REPO_ROOT/deploy/elasticsearch/pom.xml" \
    -Des.version="$ES_VERSION" -Des.outputDir="$ANN_CACHE_DIR/dist" \
    dependency:copy || ann_die "could not fetch the Elasticsearch distribution with mvn"
  [ -s "$ES_DIST_ZIP" ] || ann_die "mvn finished but $ES_DIST_ZIP is missing"
  ann_log "fetched in $(ann_elapsed "$t0")s"
}

unpack_distribution() {
  [ -x "$ES_HOME/bin/elasticsearch" ] && return 0
  command -v unzip >/dev/null 2>&1 || ann_apt_install "unzip" unzip
  local tmp t0; t0="$(ann_now)"
  tmp="$(mktemp -d "$ANN_CACHE_DIR/.unpack.XXXXXX")"
  ann_log "unpacking into $ES_HOME"
  unzip -q "$ES_DIST_ZIP" -d "$tmp"
  [ -d "$tmp/elasticsearch-$ES_VERSION" ] || ann_die "unexpected zip layout in $ES_DIST_ZIP"
  rm -rf "$ES_HOME"
  mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
  rmdir "$tmp"
  chmod -R a+rX "$ES_HOME"
  ann_log "unpacked in $(ann_elapsed "$t0")s"
}

# Elasticsearch finds stable components through the hand-written named_components.json: make sure
# every @NamedComponent in the sources is listed there (and nothing else).
check_named_components() {
  local in_src in_json
  in_src="$(grep -rhoE '@NamedComponent\("[^"]+"\)' "$PLUGIN_SRC/src/main/java" |
    sed -E 's/.*\("([^"]+)"\)/\1/' | LC_ALL=C sort)"
  in_json="$(grep -oE '"[a-z0-9_]+"[[:space:]]*:[[:space:]]*"org\.' \
    "$PLUGIN_SRC/src/main/plugin-metadata/named_components.json" | cut -d'"' -f2 | LC_ALL=C sort)"
  if [ "$in_src" != "$in_json" ]; then
    ann_die "named_components.json does not match the @NamedComponent classes:
  in sources: $(echo "$in_src" | tr '\n' ' ')
  in json:    $(echo "$in_json" | tr '\n' ' ')"
  fi
}

build_and_install_plugin() {
  local want have=""
  want="$(plugin_source_hash)"
  [ -r "$PLUGIN_HASH_FILE" ] && have="$(cat "$PLUGIN_HASH_FILE")"
  if [ "$want" = "$have" ] && [ -d "$ES_HOME/plugins/$PLUGIN_NAME" ]; then
    return 0
  fi
  check_named_components
  ann_need_mvn
  local t0; t0="$(ann_now)"
  ann_log "building the $PLUGIN_NAME stable analysis plugin (source changed or not installed)"
  rm -rf "$PLUGIN_BUILD_DIR"
  ann_mkdir_shared "$PLUGIN_BUILD_DIR"
  JAVA_HOME="$JAVA_HOME_PICKED" ann_quiet mvn -B -q -f "$PLUGIN_SRC/pom.xml" \
    -Dann.buildDir="$PLUGIN_BUILD_DIR" package || ann_die "plugin build failed"
  local zip
  zip="$(find "$PLUGIN_BUILD_DIR" -maxdepth 1 -name "$PLUGIN_NAME-*.zip" | head -n1)"
  [ -n "$zip" ] || ann_die "plugin build produced no zip in $PLUGIN_BUILD_DIR"
  if [ -d "$ES_HOME/plugins/$PLUGIN_NAME" ]; then
    ann_log "removing the previously installed $PLUGIN_NAME"
    ES_JAVA_HOME="$JAVA_HOME_PICKED" ann_quiet "$ES_HOME/bin/elasticsearch-plugin" remove "$PLUGIN_NAME" ||
      rm -rf "${ES_HOME:?}/plugins/$PLUGIN_NAME"
  fi
  ES_JAVA_HOME="$JAVA_HOME_PICKED" ann_quiet "$ES_HOME/bin/elasticsearch-plugin" install --batch "file://$zip" ||
    ann_die "elasticsearch-plugin install failed"
  chmod -R a+rX "$ES_HOME/plugins"
  printf '%s\n' "$want" >"$PLUGIN_HASH_FILE"
  ann_log "plugin built and installed in $(ann_elapsed "$t0")s ($zip)"
}

# --keep-lock (start): the install lock stays held until this script exits, so that no other
# `install` or `start` (of any port: they share $ES_HOME) swaps the plugin while this node boots
# and reads it. A plugin removed and reinstalled under a booting node leaves it running with the
# plugin registered but none of its analyzers ("failed to find global analyzer [news_cjk]").
cmd_install() {
  ann_mkdir_shared "$ANN_CACHE_DIR"
  [ -w "$ANN_CACHE_DIR" ] || ann_die "ANN_CACHE_DIR=$ANN_CACHE_DIR is not writable"
  JAVA_HOME_PICKED="$(ann_pick_jdk)"
  # One installer at a time (parallel test sessions share the cache).
  exec 8>"$ANN_CACHE_DIR/.install.lock"
  flock 8
  fetch_distribution
  unpack_distribution
  build_and_install_plugin
  [ "${1:-}" = "--keep-lock" ] && return 0
  flock -u 8
  exec 8>&-
}

# ------------------------------------------------------------------------------------------ start

ensure_user() {
  ann_is_root || return 0
  if ! getent passwd "$ES_USER" >/dev/null; then
    ann_log "creating system user $ES_USER (Elasticsearch refuses to run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$ES_USER"
  fi
}

write_config() {
  ann_mkdir_shared "$(dirname "$ANN_RUN_DIR")"
  mkdir -p "$ANN_RUN_DIR" "$CONF_DIR/jvm.options.d" "$ANN_RUN_DIR/data" "$ANN_RUN_DIR/logs" \
    "$ANN_RUN_DIR/tmp" "$ANN_RUN_DIR/snapshots"
  # Per-port config dir: the distribution's defaults, then our files on top (rewritten every start).
  local f
  for f in "$ES_HOME"/config/*; do
    [ -f "$f" ] || continue
    case "$(basename "$f")" in elasticsearch.yml | jvm.options) ;; *) [ -e "$CONF_DIR/$(basename "$f")" ] || cp "$f" "$CONF_DIR/" ;; esac
  done
  cp "$ES_HOME/config/jvm.options" "$CONF_DIR/jvm.options"
  cat >"$CONF_DIR/elasticsearch.yml" <<EOF
# Written by deploy/local/elasticsearch.sh; rewritten on every start.
cluster.name: ann-local-$ES_PORT
node.name: ann-local-$ES_PORT
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
path.data: $ANN_RUN_DIR/data
path.logs: $ANN_RUN_DIR/logs
path.repo: ["$ANN_RUN_DIR/snapshots"]
xpack.security.enabled: false
# Dev/CI disks are often nearly full: never flip indices read-only over watermarks.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
  # This integ-test distribution has no ML, geoip, monitoring or watcher modules, so there are no
  # such settings to switch off (unknown settings are fatal at startup).
  cat >"$CONF_DIR/jvm.options.d/ann.options" <<EOF
-Xms$ES_HEAP
-Xmx$ES_HEAP
EOF
  if ann_is_root; then
    chown -R "$ES_USER:$ES_USER" "$ANN_RUN_DIR"
  fi
}

print_failure_logs() {
  local f
  for f in "$ANN_RUN_DIR/logs/launcher.out" "$ANN_RUN_DIR/logs/ann-local-$ES_PORT.log"; do
    [ -s "$f" ] || continue
    ann_log "---- last lines of $f ----"
    tail -n 40 "$f" >&2
  done
}

wait_healthy() {
  local deadline=$((SECONDS + ES_START_TIMEOUT)) pid=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ann_http_get "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=2s" 5 >/dev/null; then
      return 0
    fi
    if [ -z "$pid" ] && [ -s "$PIDFILE" ]; then pid="$(tr -dc '0-9' <"$PIDFILE")"; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      ann_log "the node (pid $pid) exited during startup"
      return 1
    fi
    sleep 0.5
  done
  ann_log "not healthy after ${ES_START_TIMEOUT}s"
  return 1
}

cmd_start() {
  if es_healthy; then
    ann_log "already running at $ES_URL (reusing)"
    echo running
    return 0
  fi
  local t0; t0="$(ann_now)"
  cmd_install --keep-lock  # released when this script exits: the node is healthy or failed
  ensure_user
  ann_mkdir_shared "$(dirname "$ANN_RUN_DIR")"
  mkdir -p "$ANN_RUN_DIR"
  # One starter per port.
  exec 9>"$ANN_RUN_DIR/.start.lock"
  flock 9
  if es_healthy; then
    ann_log "already running at $ES_URL (started concurrently; reusing)"
    echo running
    return 0
  fi
  local pid outcome=started
  if pid="$(ann_pid_alive "$PIDFILE" elasticsearch)"; then
    ann_log "pid $pid from $PIDFILE is starting; waiting for it"
    outcome=running  # another starter's process: not ours to stop
  else
    rm -f "$PIDFILE"
    write_config
    ann_log "starting Elasticsearch $ES_VERSION on $ES_URL (heap $ES_HEAP, data in $ANN_RUN_DIR)"
    local -a run=(env "ES_JAVA_HOME=$JAVA_HOME_PICKED" "ES_PATH_CONF=$CONF_DIR" "ES_TMPDIR=$ANN_RUN_DIR/tmp"
      "ES_JAVA_OPTS=${ES_JAVA_OPTS:-}" "$ES_HOME/bin/elasticsearch" -d -p "$PIDFILE")
    if ann_is_root; then
      run=(runuser -u "$ES_USER" -- "${run[@]}")
    fi
    # Run from a directory the service user can read, whatever our cwd is.
    # (8>&-: the launcher does not inherit the install lock, which would outlive this script)
    if ! (cd "$ANN_RUN_DIR" && "${run[@]}" >"$ANN_RUN_DIR/logs/launcher.out" 2>&1 </dev/null 8>&-); then
      ann_log "the launcher failed"
      print_failure_logs
      exit 1
    fi
  fi
  if ! wait_healthy; then
    print_failure_logs
    exit 1
  fi
  ann_log "healthy at $ES_URL after $(ann_elapsed "$t0")s (pid $(cat "$PIDFILE"))"
  echo "$outcome"
}

# ------------------------------------------------------------------------------------------- stop

cmd_stop() {
  local pid
  if pid="$(ann_pid_alive "$PIDFILE" elasticsearch)"; then
    ann_log "stopping pid $pid"
    ann_stop_pid "$pid" 90 || ann_die "could not stop pid $pid"
    rm -f "$PIDFILE"
    ann_log "stopped"
    return 0
  fi
  rm -f "$PIDFILE"
  if es_healthy; then
    ann_die "something answers on $ES_URL but it was not started from $ANN_RUN_DIR; not stopping it"
  fi
  ann_log "not running"
}

cmd_status() {
  local body
  if body="$(ann_http_get "$ES_URL/_cluster/health" 3)"; then
    printf '%s\n' "$body"
    return 0
  fi
  ann_log "not running at $ES_URL"
  return 1
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) printf '%s\n' "$ES_URL" ;;
  *) usage ;;
esac
