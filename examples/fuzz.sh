#!/usr/bin/env bash
# Runs the command-line fuzz suite (src/test/java/io/onnxq/fuzz) with many more cases than the
# default 300 of `mvn test`. Every failing case is listed at the end, one line each; rerun one with
# ONLY=<case number> (same SEED and CASES).
#
#   examples/fuzz.sh                 # 3000 cases, seed 20261201
#   SEED=7 CASES=10000 examples/fuzz.sh
#   SEED=7 ONLY=123,456 VERBOSE=true examples/fuzz.sh
#   KINDS=image,npy CASES=2000 examples/fuzz.sh     # only some classes (model, npy, image, option)
#
# Needs the Maven dependencies already downloaded (runs offline with -o; drop it with OFFLINE=).
set -euo pipefail
cd "$(dirname "$0")/.."
SEED="${SEED:-20261201}"
CASES="${CASES:-3000}"
TIMEOUT="${TIMEOUT:-30}"
OFFLINE="${OFFLINE--o}"
exec mvn -B -q $OFFLINE -ntp test -Dtest=FuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Donnxq.fuzz.seed="$SEED" -Donnxq.fuzz.cases="$CASES" -Donnxq.fuzz.timeout="$TIMEOUT" \
  -Donnxq.fuzz.only="${ONLY:-}" -Donnxq.fuzz.kinds="${KINDS:-}" -Donnxq.fuzz.verbose="${VERBOSE:-false}"
