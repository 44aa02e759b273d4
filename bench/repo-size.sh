#!/usr/bin/env bash
# bench/repo-size.sh [WORKDIR]
#
# How the commit step's cost grows with the repository: generates two bare repositories of small files,
# 1,000 files (small) and 200,000 files (large, 2,000 folders), and runs `campaigns commit` (dry run: fetch
# the base's commit and trees shallowly into an empty cache, then the one blob the diff reads, apply a
# one-file diff) against each over file://, served like GitHub (filters, objects by id). Prints the bytes
# fetched (size of the cache's packs) and the wall time of the command (one fresh JVM each).
# Then the same with --push --branch (the workflow's path: commit, store the bundle, push its pack to a new
# branch, deleted again afterwards).
# Last two lines: "repo-size (commit+push): small S1 s, large S2 s, ratio R", then the dry run's
# "repo-size: small S1 s, large S2 s, ratio R".
# Needs: mvn -q -DskipTests package first (BUILD_DIR=target-x if built with -Dcampaigns.buildDir=target-x).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/infra/${BUILD_DIR:-target}/campaigns.jar"
[ -f "$JAR" ] || { echo "no $JAR: run mvn -q -DskipTests package first" >&2; exit 2; }
W=$(realpath -m "${1:-${TMPDIR:-/tmp}/campaigns-repo-size}")
mkdir -p "$W"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C TZ=UTC

make_repo() { # name files
  local repo="$W/$1.git" n=$2
  if [ -f "$repo/done" ]; then serve_like_github "$repo"; return; fi
  rm -rf "$repo" && git init -q --bare -b main "$repo"
  awk -v n="$n" 'BEGIN {
    print "commit refs/heads/main"; print "committer gen <gen@example.invalid> 946684800 +0000"
    print "data 4"; print "base"
    for (i = 0; i < n; i++) {
      printf "M 100644 inline d%04d/f%06d.txt\n", i % 2000, i
      s = sprintf("file %d\nline two of file %d\n", i, i); printf "data %d\n%s\n", length(s), s
    }
  }' | git --git-dir="$repo" fast-import --quiet
  git --git-dir="$repo" repack -adq
  serve_like_github "$repo"
  touch "$repo/done"
}

# GitHub serves filtered fetches (blob:none) and objects by id; so does this file:// remote (JGit's upload-pack).
serve_like_github() {
  git --git-dir="$1" config uploadpack.allowFilter true
  git --git-dir="$1" config uploadpack.allowAnySHA1InWant true
}

run() { # name [push] -> seconds; prints bytes fetched
  local repo="$W/$1.git" cache="$W/cache-$1" push=() branch="bench/repo-size-$$"
  rm -rf "$cache"
  if [ "${2:-}" = push ]; then push=(--push --branch "$branch"); fi
  printf 'diff --git a/d0001/f000001.txt b/d0001/f000001.txt\n--- a/d0001/f000001.txt\n+++ b/d0001/f000001.txt\n@@ -1,2 +1,2 @@\n-file 1\n+file one\n line two of file 1\n' >"$W/change.diff"
  local t0 t1
  t0=$(date +%s.%N)
  java ${CAMPAIGNS_JAVA_OPTS--Dorg.eclipse.jgit.util.sha1.implementation=jdkNative} -jar "$JAR" commit \
    --repo "file://$repo" --base main --diff "$W/change.diff" --date 2020-01-01T00:00:00Z --cache-dir "$cache" "${push[@]}" >"$W/out-$1.json"
  t1=$(date +%s.%N)
  if [ "${2:-}" = push ]; then
    grep -q '"pushed":true' "$W/out-$1.json" || { echo "$1: not pushed: $(cat "$W/out-$1.json")" >&2; exit 1; }
    git --git-dir="$repo" update-ref -d "refs/heads/$branch"
  fi
  local bytes
  bytes=$(find "$cache" -name '*.pack' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  local label="fetched"
  if [ "${2:-}" = push ]; then label="cache packs (fetched + the commit pack)"; fi
  echo "$1${2:+ ($2)}: $(git --git-dir="$repo" ls-tree -r main | wc -l) files, repo packs $(du -sb "$repo/objects" | cut -f1) bytes, $label $bytes bytes, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s" >&2
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

make_repo small 1000
make_repo large 200000
P1=$(run small push)
P2=$(run large push)
S1=$(run small)
S2=$(run large)
awk -v a="$P1" -v b="$P2" 'BEGIN { printf "repo-size (commit+push): small %.2f s, large %.2f s, ratio %.1f\n", a, b, b / a }'
awk -v a="$S1" -v b="$S2" 'BEGIN { printf "repo-size: small %.2f s, large %.2f s, ratio %.1f\n", a, b, b / a }'
