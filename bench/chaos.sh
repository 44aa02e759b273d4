#!/usr/bin/env bash
# bench/chaos.sh [--jobs N] [--fault-rate P] [--seed S] [--retries R] [--code-host K] [--update]
# (--update: then updateCampaign from a second plan under the same faults, and audit the update's generation)
#
# The chaos campaign (docs/reliability.md): N repositories (default 200; 1,000+ works), one plan, one campaign
# driven over GraphQL through the embedded runtime while faults are injected at rate P (default 0.05) at the code
# host, in the Lambda runtime and in DynamoDB; retryCampaign while jobs failed; then the truth is audited (code
# host branches and pull requests, DynamoDB items, counters). Prints a table of the faults injected by kind.
# Last line: "chaos: N jobs, F faults, lost L, duplicates D, miscounted M". Exit 1 if L+D+M > 0.
# Needs: mvn -q -DskipTests package first (BUILD_DIR=target-x if built with -Dcampaigns.buildDir=target-x).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/infra/${BUILD_DIR:-target}/campaigns.jar"
[ -f "$JAR" ] || { echo "no $JAR: run mvn -q -DskipTests package first" >&2; exit 2; }
LOG=$(mktemp -t campaigns-chaos.XXXXXX.log)
echo "(function logs: $LOG)" >&2
# the functions log to stdout too: everything goes to the log, the report (from its header on) to the terminal
java ${CAMPAIGNS_JAVA_OPTS:--Xmx2g} -cp "$JAR" dev.campaigns.infra.chaos.ChaosMain "$@" 2>>"$LOG" \
  | tee -a "$LOG" | awk '/^chaos campaign/ { p = 1 } p && !/^(\t|Caused by|\s+\.\.\.)/'

