#!/usr/bin/env bash
# Benchmark 5 with an application CDS archive (issue 19; not what the template deploys, see docs/performance.md
# "An AppCDS archive: measured, not shipped"): a training run of every function on the bench's real events records the
# classes each loads, one static archive of all of them is dumped with this machine's JDK, and the bench runs again
# with it. Last line: the bench's own ("coldstart: slowest T ms (HandlerName), jar M MB").
# Usage: bench/coldstart-cds.sh [WORKDIR]   (default: a new temporary directory; the archive is ~70 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f functions/target/campaigns-functions.jar ] || mvn -B -q -Pdeploy -DskipTests package
[ -f infra/target/campaigns.jar ] || mvn -B -q -DskipTests package
work=${1:-$(mktemp -d -t coldstart-cds.XXXXXX)}
mkdir -p "$work"
echo "training run (class lists in $work)" >&2
COLDSTART_JAVA_OPTS="-XX:DumpLoadedClassList=$work/list-{function}.lst" bench/coldstart.sh > "$work/training.txt"
cat "$work"/list-*.lst | awk '!seen[$0]++' > "$work/all.lst"
echo "dumping $(wc -l < "$work/all.lst") classes into $work/campaigns.jsa" >&2
java -Xshare:dump -XX:SharedClassListFile="$work/all.lst" -XX:SharedArchiveFile="$work/campaigns.jsa" \
  -cp functions/target/campaigns-functions.jar > "$work/dump.log" 2>&1
echo "archive: $(du -m "$work/campaigns.jsa" | cut -f1) MB" >&2
# ArchiveRelocationMode=0: map the archive where it was dumped (this JDK relocates it by default, which costs
# hundreds of milliseconds for an archive this size; see docs/performance.md).
COLDSTART_JAVA_OPTS="-XX:SharedArchiveFile=$work/campaigns.jsa -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 ${COLDSTART_JAVA_OPTS:-}" \
  exec bench/coldstart.sh
