#!/usr/bin/env bash
# Local Redis for development, tests and CI (crawl queues).
#
#   deploy/local/redis.sh install|start|stop|status|url   (start prints "started", or "running" when it was already up)
#
# Environment (defaults):
#   REDIS_PORT           16379                              TCP port (bound to 127.0.0.1 only)
#   ANN_RUN_DIR          /var/tmp/ann-run/redis-$REDIS_PORT  redis.conf, appendonly files, log, pid
#   REDIS_START_TIMEOUT  30                                 seconds to wait for PONG
#
# Uses Debian's redis-server (installed with apt-get when missing; needs root).
# Persistence: appendonly yes (fsync every second), so queues survive a stop/start.
set -euo pipefail

ANN_LOG_TAG="redis"
# shellcheck source=deploy/local/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

REDIS_PORT="${REDIS_PORT:-16379}"
REDIS_START_TIMEOUT="${REDIS_START_TIMEOUT:-30}"
ANN_RUN_DIR="${ANN_RUN_DIR:-/var/tmp/ann-run/redis-$REDIS_PORT}"
PIDFILE="$ANN_RUN_DIR/redis.pid"
CONF="$ANN_RUN_DIR/redis.conf"
LOGFILE="$ANN_RUN_DIR/redis.log"

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

redis_ping() {
  command -v redis-cli >/dev/null 2>&1 || return 1
  [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
}

cmd_install() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
    return 0
  fi
  # redis-server depends on redis-tools, which ships redis-cli.
  ann_apt_install "redis-server" redis-server redis-tools
  command -v redis-server >/dev/null 2>&1 || ann_die "redis-server still missing after apt-get install"
}

cmd_start() {
  if redis_ping; then
    ann_log "already running on 127.0.0.1:$REDIS_PORT (reusing)"
    echo running
    return 0
  fi
  local t0; t0="$(ann_now)"
  cmd_install
  ann_mkdir_shared "$(dirname "$ANN_RUN_DIR")"
  mkdir -p "$ANN_RUN_DIR"
  local pid outcome=started
  if pid="$(ann_pid_alive "$PIDFILE" redis-server)"; then
    ann_log "pid $pid from $PIDFILE is alive but does not answer PING; waiting for it"
    outcome=running  # another starter's process: not ours to stop
  else
    rm -f "$PIDFILE"
    cat >"$CONF" <<EOF
# Written by deploy/local/redis.sh; rewritten on every start.
bind 127.0.0.1
port $REDIS_PORT
# Loopback only, so protected mode adds nothing and would refuse clients without a password.
protected-mode no
daemonize yes
supervised no
pidfile $PIDFILE
logfile $LOGFILE
loglevel notice
dir $ANN_RUN_DIR
databases 16
save ""
appendonly yes
appendfilename "appendonly.aof"
appendfsync everysec
EOF
    ann_log "starting redis-server on 127.0.0.1:$REDIS_PORT (dir $ANN_RUN_DIR)"
    if ! (cd "$ANN_RUN_DIR" && redis-server "$CONF" </dev/null); then
      [ -s "$LOGFILE" ] && tail -n 30 "$LOGFILE" >&2
      ann_die "redis-server failed to start"
    fi
  fi
  local deadline=$((SECONDS + REDIS_START_TIMEOUT))
  until redis_ping; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      [ -s "$LOGFILE" ] && tail -n 30 "$LOGFILE" >&2
      ann_die "no PONG on port $REDIS_PORT after ${REDIS_START_TIMEOUT}s"
    fi
    sleep 0.1
  done
  ann_log "ready on 127.0.0.1:$REDIS_PORT after $(ann_elapsed "$t0")s (pid $(cat "$PIDFILE" 2>/dev/null || echo '?'))"
  echo "$outcome"
}

cmd_stop() {
  local pid=""
  pid="$(ann_pid_alive "$PIDFILE" redis-server)" || pid=""
  if [ -z "$pid" ]; then
    rm -f "$PIDFILE"
    if redis_ping; then
      ann_die "something answers on port $REDIS_PORT but it was not started from $ANN_RUN_DIR; not stopping it"
    fi
    ann_log "not running"
    return 0
  fi
  ann_log "stopping pid $pid"
  # SHUTDOWN flushes the append-only file; NOSAVE skips the (disabled) RDB snapshot.
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  ann_stop_pid "$pid" 30 || ann_die "could not stop pid $pid"
  rm -f "$PIDFILE"
  ann_log "stopped"
}

cmd_status() {
  if redis_ping; then
    printf 'PONG from 127.0.0.1:%s\n' "$REDIS_PORT"
    return 0
  fi
  ann_log "not running on 127.0.0.1:$REDIS_PORT"
  return 1
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) printf 'redis://127.0.0.1:%s/0\n' "$REDIS_PORT" ;;
  *) usage ;;
esac
