#!/usr/bin/env bash
# bench/iam-report.sh [--no-run]
#
# Least privilege, measured (docs/iam.md): every local stack of the test suite records the IAM decisions of its
# gateway and engine (who, which action, which resource) in infra/target/iam/usage-*.json; this prints, per role of
# template.yaml, the granted actions (and resources) that no allowed call of the whole suite used, and the denied
# calls (the policy tests' probes).
# By default it empties infra/target/iam and runs the suite first (mvn -B verify, about as long as CI); --no-run
# reports on the records already there (BUILD_DIR=target-x if built with -Dcampaigns.buildDir=target-x).
# Last line: "iam-report: S stacks, C calls, R roles, G granted actions, U never used (M of them in AWS-managed policies)".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD_DIR:-target}
if [ "${1:-}" != "--no-run" ]; then
  rm -rf "infra/$BUILD/iam"
  mvn -B -q -Dcampaigns.buildDir="$BUILD" verify >&2
fi
JAR="infra/$BUILD/campaigns.jar"
[ -f "$JAR" ] || mvn -B -q -Dcampaigns.buildDir="$BUILD" -DskipTests package >&2
exec java -cp "$JAR:infra/$BUILD/lib/*" dev.campaigns.infra.local.iam.IamReport "infra/$BUILD/iam"
