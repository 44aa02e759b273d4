#!/usr/bin/env bash
# Benchmark 5, cold start: each function of template.yaml in a fresh JVM (java -cp the shaded deployment jar), from
# process start to its first response on a representative event against the local stack; and the jar's size.
# Last line: "coldstart: slowest T ms (HandlerName), jar M MB"
# Usage: bench/coldstart.sh   (builds the deployment jar and the local runtime if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f functions/target/campaigns-functions.jar ] || mvn -B -q -Pdeploy -DskipTests package
[ -f infra/target/campaigns.jar ] || mvn -B -q -DskipTests package
exec java -cp "infra/target/campaigns.jar:infra/target/lib/*" dev.campaigns.infra.bench.ColdStartBench \
  functions/target/campaigns-functions.jar
