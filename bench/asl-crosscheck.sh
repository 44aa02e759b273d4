#!/usr/bin/env bash
# Cross-checks the local Step Functions engine against aws-local-stepfunctions 3.0.0 (an independent States
# Language implementation, needs Node >= 22): the cases in infra/src/test/resources/sfn/crosscheck-cases.json run
# in both, and their outputs (or error names) must be equal. Not part of the Maven test run.
#
#   bench/asl-crosscheck.sh            # uses (or creates) a scratch folder with node@22 under /tmp
#   SFN_XCHECK_DIR=/some/dir bench/asl-crosscheck.sh
# Exit codes: 0 all equal, 1 a difference, 2 skipped (no Node 22 / package could not be installed).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${SFN_XCHECK_DIR:-/tmp/sfn-crosscheck}"
BUILD="${SFN_XCHECK_BUILD_DIR:-target-sfn}"
CASES="$ROOT/infra/src/test/resources/sfn/crosscheck-cases.json"

mkdir -p "$DIR"
if [ ! -x "$DIR/node_modules/.bin/node" ] || [ ! -d "$DIR/node_modules/aws-local-stepfunctions" ]; then
  echo "installing node@22 and aws-local-stepfunctions@3.0.0 into $DIR" >&2
  (cd "$DIR" && { [ -f package.json ] || npm init -y >/dev/null; } \
     && npm install --no-audit --no-fund node@22 aws-local-stepfunctions@3.0.0 >/dev/null 2>&1) || {
    echo "SKIPPED: could not install node@22 / aws-local-stepfunctions" >&2; exit 2; }
fi
NODE="$DIR/node_modules/.bin/node"
major="$("$NODE" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$major" -lt 22 ]; then echo "SKIPPED: node $major < 22" >&2; exit 2; fi
cp "$ROOT/infra/src/test/node/asl-crosscheck.mjs" "$DIR/asl-crosscheck.mjs"

cd "$ROOT"
mvn -B -q -o -Dcampaigns.buildDir="$BUILD" -pl infra -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$DIR/classpath.txt" -Dmdep.includeScope=test >/dev/null
CP="$(cat "$DIR/classpath.txt"):infra/$BUILD/classes:infra/$BUILD/test-classes:functions/$BUILD/classes"

java -cp "$CP" dev.campaigns.infra.sfn.CrossCheckMain "$CASES" > "$DIR/java.jsonl"
(cd "$DIR" && "$NODE" asl-crosscheck.mjs "$CASES") > "$DIR/node.jsonl"

"$NODE" -e '
const fs = require("fs");
const [a, b] = process.argv.slice(1).map(f => fs.readFileSync(f, "utf8").trim().split("\n").map(JSON.parse));
const canon = v => JSON.stringify(v, (k, x) => x && typeof x === "object" && !Array.isArray(x)
  ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => p < q ? -1 : 1)) : x);
let diff = 0;
for (let i = 0; i < Math.max(a.length, b.length); i++) {
  const same = canon(a[i]) === canon(b[i]);
  if (!same) diff++;
  console.log((same ? "SAME  " : "DIFF  ") + (a[i]?.name ?? b[i]?.name) + (same ? "" :
    "\n  java: " + canon(a[i]) + "\n  node: " + canon(b[i])));
}
console.log(`${a.length - diff}/${a.length} cases identical`);
process.exit(diff ? 1 : 0);
' "$DIR/java.jsonl" "$DIR/node.jsonl"
