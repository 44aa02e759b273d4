#!/usr/bin/env bash
# The CLI as a user runs it, timed: starts `campaigns serve` with N sample repositories (organisation acme), runs
# `campaigns plan --org acme -- <a shell command changing, adding and deleting files>` and
# `campaigns apply --plan ... ` to the end, and prints each step's wall time.
# Under GitHub's default limits (80 content creations/min, 500/h, paced) unless --no-rate-limits.
# Last line: "cli: N repositories, plan P s, apply A s, total T s, campaign STATE (limits: L)"
# Usage: bench/cli.sh [--repos N] [--no-rate-limits]   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
repos=30
limits=""
while [ $# -gt 0 ]; do
  case "$1" in
    --repos) repos="$2"; shift 2 ;;
    --no-rate-limits) limits="--no-rate-limits"; shift ;;
    *) echo "usage: bench/cli.sh [--repos N] [--no-rate-limits]" >&2; exit 2 ;;
  esac
done
[ -f infra/target/campaigns.jar ] || mvn -B -q -DskipTests package
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
api_port=$(free_port); host_port=$(free_port)
work=$(mktemp -d)
campaigns() { java -jar infra/target/campaigns.jar "$@"; }
java -jar infra/target/campaigns.jar serve --port "$api_port" --code-host-port "$host_port" --repos "$repos" $limits \
  >"$work/serve.log" 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 240); do
  grep -q "Campaigns is serving" "$work/serve.log" && break
  kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.5
done
grep -q "Campaigns is serving" "$work/serve.log" || { echo "serve did not start in 120 s" >&2; exit 1; }
export CAMPAIGNS_ENDPOINT="http://127.0.0.1:$api_port/graphql"
export CAMPAIGNS_CODE_HOST_API="http://127.0.0.1:$host_port/api/v3"
command='sed -i "s/actions\/checkout@v2/actions\/checkout@v4/" .github/workflows/ci.yml; echo "owned by $REPOSITORY" > CODEOWNERS.md; rm README.md'
start=$(date +%s.%N)
campaigns plan --org acme --parallel 4 -- sh -c "$command" | tee "$work/plan.out" | tail -n 3
plan_end=$(date +%s.%N)
plan_id=$(tail -n 1 "$work/plan.out" | sed -n 's/^plan \([^:]*\):.*/\1/p')
set +e
campaigns apply --plan "$plan_id" --name "Checkout v4" --branch campaigns/checkout-v4 --timeout PT3H \
  | tee "$work/apply.out" | grep -v "/pull/" | tail -n 4
set -e
end=$(date +%s.%N)
state=$(tail -n 1 "$work/apply.out" | sed -n 's/^campaign [^:]*: \([A-Z]*\).*/\1/p')
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
stopping=$(grep "^Stopping. Code host:" "$work/serve.log" || echo "Stopping. Code host: (no counts)")
echo "$stopping"
limited=$(echo "$stopping" | sed -n 's/.* \([0-9]*\) secondary-limit answers, \([0-9]*\) primary-limit.*/\1+\2/p')
printf 'cli: %d repositories, plan %.1f s, apply %.1f s, total %.1f s, campaign %s (limits: %s; limit answers: %s)\n' \
  "$repos" "$(echo "$plan_end - $start" | bc)" "$(echo "$end - $plan_end" | bc)" "$(echo "$end - $start" | bc)" \
  "${state:-UNKNOWN}" "${limits:-GitHub defaults}" "${limited:-?}"
