# shellcheck shell=bash
# Shared helpers for deploy/local/*.sh. Source it; it defines functions and ANN_REPO_ROOT only.

ANN_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ANN_REPO_ROOT="$(cd "$ANN_LIB_DIR/../.." && pwd)"
export ANN_REPO_ROOT

# Progress and errors go to stderr, so stdout stays clean for `url`.
ann_log() { printf '[%s] %s\n' "${ANN_LOG_TAG:-ann}" "$*" >&2; }
ann_die() { printf '[%s] ERROR: %s\n' "${ANN_LOG_TAG:-ann}" "$*" >&2; exit 1; }

ann_is_root() { [ "$(id -u)" -eq 0 ]; }

# Seconds since the epoch with a fraction, for progress timings.
ann_now() { date +%s.%N; }
ann_elapsed() { awk -v a="$1" -v b="$(ann_now)" 'BEGIN { printf "%.1f", b - a }'; }

# mkdir -p, then make every created component traversable (a+rx) so that an unprivileged
# service user can reach files below it (root's home is mode 700; /var/tmp is fine).
ann_mkdir_shared() {
  local d
  for d in "$@"; do
    mkdir -p "$d"
    chmod a+rx "$d" 2>/dev/null || true
  done
}

# Install Debian packages (root only). Usage: ann_apt_install why pkg...
ann_apt_install() {
  local why="$1"; shift
  if ! ann_is_root; then
    ann_die "$why: missing; install Debian package(s) '$*' (needs root), e.g. sudo apt-get install -y $*"
  fi
  ann_log "installing Debian package(s): $* ($why)"
  # Stop the packages' maintainer scripts from starting system-wide services we don't use.
  local added_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    added_policy=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  } >&2 || rc=$?
  if [ "$added_policy" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  [ "$rc" -eq 0 ] || ann_die "apt-get install $* failed (rc=$rc)"
}

# Java feature version of a JDK home (17, 21, 25, ...), or empty if it isn't a usable JDK.
ann_jdk_feature_version() {
  local home="$1" v=""
  [ -x "$home/bin/java" ] || return 0
  if [ -r "$home/release" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release" | head -n1)"
  fi
  if [ -z "$v" ]; then
    v="$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  fi
  v="${v#1.}"
  printf '%s\n' "${v%%[.+-]*}"
}

# Newest JDK under /usr/lib/jvm (by feature version); prints "VERSION PATH", or nothing.
ann_scan_jdks() {
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [ -L "$d" ] && continue
    [ -x "$d/bin/javac" ] || continue
    v="$(ann_jdk_feature_version "$d")"
    case "$v" in '' | *[!0-9]*) continue ;; esac
    if [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  [ -n "$best" ] && printf '%s %s\n' "$best_v" "$best"
  return 0
}

# Newest JDK 17+ under /usr/lib/jvm; ANN_JAVA_HOME overrides. Installs Debian's default JDK
# when there is none (root only).
ann_pick_jdk() {
  if [ -n "${ANN_JAVA_HOME:-}" ]; then
    [ -x "$ANN_JAVA_HOME/bin/java" ] || ann_die "ANN_JAVA_HOME=$ANN_JAVA_HOME has no bin/java"
    printf '%s\n' "$ANN_JAVA_HOME"
    return 0
  fi
  local found
  found="$(ann_scan_jdks)"
  if [ -z "$found" ] || [ "${found%% *}" -lt 17 ]; then
    ann_apt_install "a JDK 17+ (none under /usr/lib/jvm)" default-jdk-headless
    found="$(ann_scan_jdks)"
    { [ -n "$found" ] && [ "${found%% *}" -ge 17 ]; } || ann_die "no JDK 17+ under /usr/lib/jvm"
  fi
  printf '%s\n' "${found#* }"
}

ann_need_mvn() {
  command -v mvn >/dev/null 2>&1 || ann_apt_install "mvn (Maven)" maven
}

# Run a command quietly; show its output only if it fails.
ann_quiet() {
  local log rc=0
  log="$(mktemp)"
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    ann_log "command failed (rc=$rc): $*"
    tail -n 60 "$log" >&2
  fi
  rm -f "$log"
  return "$rc"
}

# HTTP GET; prints the body, fails on connection errors and HTTP >= 400.
ann_http_get() {
  local url="$1" max_time="${2:-5}"
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time "$max_time" "$url" 2>/dev/null
  else
    python3 - "$url" "$max_time" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2])) as r:
    sys.stdout.write(r.read().decode())
PY
  fi
}

# Is the process in pidfile alive (and, if given, is PATTERN in its command line, so that a pid
# reused after a reboot is not mistaken for ours)? Prints the pid when it is.
ann_pid_alive() {
  local pidfile="$1" pattern="${2:-}" pid
  [ -s "$pidfile" ] || return 1
  pid="$(tr -dc '0-9' <"$pidfile")"
  [ -n "$pid" ] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -n "$pattern" ] && [ -r "/proc/$pid/cmdline" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern" || return 1
  fi
  printf '%s\n' "$pid"
}

# SIGTERM the pid and wait up to $2 seconds; SIGKILL after that. Returns 0 when it's gone.
ann_stop_pid() {
  local pid="$1" timeout="${2:-60}" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < timeout * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  ann_log "pid $pid still running after ${timeout}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.5
  ! kill -0 "$pid" 2>/dev/null
}
