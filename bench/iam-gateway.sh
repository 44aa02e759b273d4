#!/usr/bin/env bash
# The local IAM's cost per AWS call (docs/iam.md): the same DynamoDB GetItem by a function's client through the IAM
# gateway (SigV4 check, policy evaluation, forwarding) and by the runtime's own client straight to DynamoDB Local,
# alternating, 3,000 each after a warm-up of as many.
# Last line: "iam-gateway: GetItem median D ms direct, G ms through the gateway (+X ms), p99 D99 / G99 ms".
# Usage: bench/iam-gateway.sh [--calls N]   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-target}
[ -f "infra/$BUILD/campaigns.jar" ] || mvn -B -q -Dcampaigns.buildDir="$BUILD" -DskipTests package
exec java -cp "infra/$BUILD/campaigns.jar:infra/$BUILD/lib/*" dev.campaigns.infra.bench.IamGatewayBench "$@" 2>/dev/null
