#!/usr/bin/env bash
# The two commands of the README, and what they need, on a fresh machine:
#   ./dev.sh demo [--live]   install everything, start the stack, crawl, index, serve search
#   ./dev.sh test [pytest args]   lint, type-check and run the whole test suite on real services
#   ./dev.sh test --fast [pytest args]   the unit tests only, no service started (edit-run loop)
#   ./dev.sh down            stop everything `demo` started
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

VENV=.venv
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

python_env() {
  # A virtualenv is bound to the path it was made at (its scripts name that python), so one
  # that is broken, a dangling or looping link, or was copied here from elsewhere is made again.
  local home
  home=$(pwd -P)/$VENV
  if [[ ! -x $VENV/bin/python || "$(cat "$VENV/.ann-home" 2>/dev/null)" != "$home" ]]; then
    say "creating the virtualenv in $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    printf '%s\n' "$home" >"$VENV/.ann-home"
  fi
  local stamp=$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)
  if [[ ! -f $stamp ]]; then
    say "installing Python dependencies"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet -e '.[dev]'
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
}

services() {
  say "installing Redis and Elasticsearch (first time only)"
  bash deploy/local/redis.sh install
  bash deploy/local/elasticsearch.sh install
}

browser() {
  command -v chromium >/dev/null 2>&1 && return 0
  say "installing Debian's chromium for the search page's browser test (first time only)"
  # shellcheck source=deploy/local/lib.sh
  ( . deploy/local/lib.sh && ann_apt_install "chromium (tests/integration/test_search_page.py)" chromium )
}

cmd=${1:-help}
shift || true
case $cmd in
  demo)
    python_env
    services
    exec "$VENV/bin/ann" demo "$@"
    ;;
  test)
    python_env
    if [[ ${1:-} == --fast ]]; then
      shift
      say "ruff"
      "$VENV/bin/ruff" check .
      say "pytest: unit tests only (not marked integration or slow; no service is started)"
      exec "$VENV/bin/pytest" -q -m "not integration and not slow" tests/unit "$@"
    fi
    services
    browser
    say "ruff"
    "$VENV/bin/ruff" check .
    say "mypy --strict"
    "$VENV/bin/mypy"
    say "lint-imports (layers: kernel, roles, operations)"
    "$VENV/bin/lint-imports"
    say "pytest (unit and integration, on real Elasticsearch, Redis and Celery workers)"
    # the slowest tests are listed at the end: the suite's budget is ~20 minutes on 2 cores
    exec "$VENV/bin/pytest" --durations=25 "$@"
    ;;
  down)
    exec "$VENV/bin/ann" down
    ;;
  *)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
