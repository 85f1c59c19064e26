#!/usr/bin/env bash
# The deployment's passwords, generated once before the first start:
#
#   deploy/generate-secrets.sh            # writes deploy/.env and deploy/k8s/secrets.env
#
# deploy/.env is read by `docker compose -f deploy/compose.yaml` (which refuses to start without
# it); deploy/k8s/secrets.env becomes Secret/ann-secrets through kustomize's secretGenerator.
# Both files hold the same values, are readable by their owner only, are ignored by git, and are
# never overwritten: delete them to rotate (then restart every service). Values are hex, so they
# can sit in ES_URL / REDIS_URL without escaping.
set -euo pipefail

out="${1:-$(cd "$(dirname "$0")" && pwd)}"

token() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

write() {
  local file="$1"
  if [[ -e "$file" ]]; then
    echo "kept $file (exists; delete it to rotate the passwords)"
    return
  fi
  mkdir -p "$(dirname "$file")"
  (umask 077 && printf '%s\n' "${values[@]}" > "$file")
  echo "wrote $file"
}

values=(
  "ELASTIC_PASSWORD=$(token)"
  "REDIS_PASSWORD=$(token)"
  "FLOWER_BASIC_AUTH=admin:$(token)"
  "ANN_API_ADMIN_KEY=$(token)"
  "ANN_API_CURSOR_SECRET=$(token)"
)
if [[ -e "$out/.env" ]]; then
  mapfile -t values < "$out/.env"  # one set of values for both files
fi
write "$out/.env"
write "$out/k8s/secrets.env"
