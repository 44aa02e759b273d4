#!/usr/bin/env bash
# A campaign plan at the documented maximum through the local AppSync with AWS's limits on: N new repositories on
# the local code host, one patch each (M MiB in all), uploaded by PlanUploader in calls that each fit AppSync's
# 30 s and 5 MB and Lambda's 6 MB, then executed (every job dry-runs its patch).
# Last line: "plan-upload: N patches, M MB, C calls, slowest call S s, largest request B bytes, plan STATE"
# Usage: bench/plan-upload.sh [--patches N] [--megabytes M]   (defaults 10000 and 200; build first:
#        mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f infra/target/campaigns.jar ] || mvn -B -q -DskipTests package
exec java -Xmx6g -cp "infra/target/campaigns.jar:infra/target/lib/*" dev.campaigns.infra.bench.PlanUploadBench "$@"
