#!/usr/bin/env bash
# bench/realdiffs.sh OUTDIR   (OUTDIR made by ../shared/tools/realdiffs.sh)
#
# Commit + push every corpus entry with the git engine in ONE JVM (as warm Lambdas would: one GitEngine, a
# fresh base cache, bundles in an in-memory BlobStore, file:// remotes), check every pushed tree against
# expectedTree and delete the branches; then run the git-CLI baseline (../shared/tools/git-baseline.sh) on
# the same OUTDIR. Both time only their loop. The last line is
#   realdiffs: campaigns S1 s, git CLI S2 s, ratio R        (R = S2 / S1)
# Needs: mvn -q -DskipTests package first (BUILD_DIR=target-x if built with -Dcampaigns.buildDir=target-x).
# The pushes add packs to OUTDIR's repos; like the baseline, the script repacks and prunes them afterwards.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(realpath "$1")
[ -f "$OUT/corpus.json" ] || { echo "no $OUT/corpus.json (run ../shared/tools/realdiffs.sh first)" >&2; exit 2; }
BASELINE="$ROOT/../shared/tools/git-baseline.sh"
[ -f "$BASELINE" ] || { echo "no $BASELINE: the git CLI baseline lives in ../shared/tools" >&2; exit 2; }
JAR="$ROOT/infra/${BUILD_DIR:-target}/campaigns.jar"
[ -f "$JAR" ] || { echo "no $JAR: run mvn -q -DskipTests package first" >&2; exit 2; }
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C TZ=UTC

repos() { node -e 'for (const e of require(process.argv[1])) console.log(e.repo)' "$OUT/corpus.json" | sort -u; }
cleanup() {
  repos | while read -r repo; do
    git --git-dir="$OUT/$repo" for-each-ref --format='%(refname)' refs/heads/campaigns-bench/ |
      while read -r ref; do git --git-dir="$OUT/$repo" update-ref -d "$ref"; done
    git --git-dir="$OUT/$repo" repack -adq && git --git-dir="$OUT/$repo" prune --expire=now
  done
}
cleanup   # branches left by an interrupted run
# Serve filtered fetches and objects by id, as GitHub does (the git CLI baseline's shallow clones ignore this).
repos | while read -r repo; do
  git --git-dir="$OUT/$repo" config uploadpack.allowFilter true
  git --git-dir="$OUT/$repo" config uploadpack.allowAnySHA1InWant true
done

echo "== campaigns (git engine, one JVM)"
java ${CAMPAIGNS_JAVA_OPTS--Dorg.eclipse.jgit.util.sha1.implementation=jdkNative} -cp "$JAR:$(dirname "$JAR")/lib/*" dev.campaigns.git.bench.RealDiffsBench "$OUT" | tee /tmp/realdiffs-bench.$$.log
S1=$(awk '/^campaigns: / { print $(NF-1) }' /tmp/realdiffs-bench.$$.log)
rm -f /tmp/realdiffs-bench.$$.log
cleanup

echo "== git CLI baseline"
bash "$BASELINE" "$OUT" | tee /tmp/realdiffs-baseline.$$.log
S2=$(awk '/^git-baseline: / { print $(NF-1) }' /tmp/realdiffs-baseline.$$.log)
rm -f /tmp/realdiffs-baseline.$$.log

awk -v a="$S1" -v b="$S2" 'BEGIN { printf "realdiffs: campaigns %.2f s, git CLI %.2f s, ratio %.1f\n", a, b, b / a }'
