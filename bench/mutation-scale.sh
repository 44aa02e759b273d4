#!/usr/bin/env bash
# Issue 16: cancelCampaign and the start of a bulk changeset operation (runChangesetOperation) at N changesets
# (default 10,000, the largest plan accepted), on DynamoDB Local in process through the real store; prints wall
# time, DynamoDB requests by operation, capacity units, queue messages and an AWS estimate against AppSync's 30 s.
# Last line: "mutation-scale: N changesets, cancel S s (R requests, AWS est. E s), bulk start S s (R requests, AWS
# est. E s), AppSync limit 30 s"
# Usage: bench/mutation-scale.sh [--changesets N]   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f infra/target/campaigns.jar ] || mvn -B -q -DskipTests package
exec java -Xmx2g -cp "infra/target/campaigns.jar:infra/target/lib/*" dev.campaigns.infra.bench.MutationScaleBench "$@"
