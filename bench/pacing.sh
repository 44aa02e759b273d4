#!/usr/bin/env bash
# Benchmark 4, pacing: 1,200 pull requests (2.4 h of GitHub's 500/h budget) through the local stack with the local
# code host enforcing 80/min and 500/h (sliding windows) and the pacer at the template's defaults, on one clock
# sped up 20x (about 8 minutes of real time). Prints the achieved rate as a share of the allowed rate and the
# secondary-rate-limit responses received. Last line: "pacing: X% of allowed, limit errors K".
# Usage: bench/pacing.sh [--prs N] [--factor F]   (build first: mvn -B -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f infra/target/campaigns.jar ] || mvn -B -q -DskipTests package
exec java -Xmx2g -cp "infra/target/campaigns.jar:infra/target/lib/*" dev.campaigns.infra.bench.PacingBench "$@"
