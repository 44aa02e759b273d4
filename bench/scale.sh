#!/usr/bin/env bash
# Benchmarks 3 and 6, scale and cost: a 10,000-job campaign (after a 10-job one) through the local runtime and
# local code host; prints wall time, jobs/s, largest history and payload, state transitions, Lambda GB-s, DynamoDB
# requests per job, the status query's reads for 10 vs N jobs, and the cost per 1,000 changesets.
# Last line: "scale: N jobs in S s, max events E, max payload P bytes, status reads A vs B, cost $C per 1000 changesets"
# Usage: bench/scale.sh [--jobs N]   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f infra/target/campaigns.jar ] || mvn -B -q -DskipTests package
exec java -Xmx3g -cp "infra/target/campaigns.jar:infra/target/lib/*" dev.campaigns.infra.bench.ScaleBench "$@"
