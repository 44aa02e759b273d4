#!/usr/bin/env bash
# Benchmark 5's floor (issue 19): how long a minimal Lambda-shaped program takes from process start to its first
# answer on this machine, in the bench's JVM settings (Lambda's memory size and serial collector, the template's
# JAVA_TOOL_OPTIONS), in four stages each adding to the one before: (a) the JVM and a trivial handler; (b) + Jackson
# reading and writing the event; (c) + the functions' DynamoDB client (URLConnection HTTP client) doing one GetItem
# against the local stack's DynamoDB; (d) + Log4j as the deployment jar configures it. The stages alternate in every
# round; COLDSTART_JAVA_OPTS adds JVM options as for bench/coldstart.sh.
# Last line: "coldstart-floor: jvm A ms, +jackson B ms, +dynamodb C ms, +log4j D ms (wall medians of N runs), cpu ..."
# Usage: bench/coldstart-floor.sh [--runs N] [--stages S,...]   (default 5 rounds of jvm,jackson,dynamodb,log4j; the
# stage log4j-code, Log4j configured in code, may be added; builds the deployment jar and the local runtime if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f functions/target/campaigns-functions.jar ] || mvn -B -q -Pdeploy -DskipTests package
[ -f infra/target/campaigns.jar ] || mvn -B -q -DskipTests package
exec java -cp "infra/target/campaigns.jar:infra/target/lib/*" dev.campaigns.infra.bench.ColdStartFloorBench \
  functions/target/campaigns-functions.jar "$@"
