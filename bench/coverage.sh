#!/usr/bin/env bash
# Line and branch coverage of the functions module's own tests, per package, from JaCoCo's CSV.
#   bench/coverage.sh            runs mvn -Pcoverage -pl functions verify, then prints the figures
#   bench/coverage.sh --no-run   prints the figures of the last run
# The last line is a summary of the core packages (domain, service, store) against issue 14's bar
# (90 % of lines, 80 % of branches each).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" != "--no-run" ]]; then
  start=$(date +%s)
  mvn -B -q -Pcoverage -pl functions verify
  echo "coverage run: $(( $(date +%s) - start )) s"
fi
csv=functions/target/site/jacoco/jacoco.csv
[[ -f "$csv" ]] || { echo "no $csv: run without --no-run first" >&2; exit 1; }
sums() {
  awk -F, 'NR > 1 {
      # counted from the end: the group (the module name) may itself contain commas
      pkg = $(NF - 11); sub(/^dev\.campaigns\./, "", pkg)
      bm[pkg] += $(NF - 7); bc[pkg] += $(NF - 6); lm[pkg] += $(NF - 5); lc[pkg] += $(NF - 4)
    }
    END {
      for (k in lm) {
        lt = lm[k] + lc[k]; bt = bm[k] + bc[k]
        printf "%s %.1f %.1f\n", k, lt ? 100 * lc[k] / lt : 100, bt ? 100 * bc[k] / bt : 100
      }
    }' "$csv" | sort
}
printf "%-22s %8s %9s\n" package lines branches
sums | while read -r pkg lines branches; do printf "%-22s %7s%% %8s%%\n" "$pkg" "$lines" "$branches"; done
sums | awk '$1 == "domain" || $1 == "service" || $1 == "store" {
    s = s sprintf(" %s %s%%/%s%%", $1, $2, $3); if ($2 < 90 || $3 < 80) low = 1
  }
  END { print "core (lines/branches):" s (low ? " - below the 90/80 bar" : " - meets the 90/80 bar") }'
