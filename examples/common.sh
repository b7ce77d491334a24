# Shared settings for the example scripts (sourced, not run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
FP32="$SHARED/models/deit_tiny_patch16_224.onnx"
CALIB="$SHARED/imagenet-val100"
EVAL="$SHARED/imagenet-sample"
OUT="${OUT:-$ROOT/examples/out}"
JAR="${JAR:-$ROOT/target/onnxq.jar}"
onnxq() { java -Xmx8g -jar "$JAR" "$@"; }

[ -f "$FP32" ] || { echo "needs ../shared (DeiT-Tiny and ImageNet images) beside the checkout" >&2; exit 1; }
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B package -DskipTests)
mkdir -p "$OUT"

# convert NAME ARGS...: converts DeiT-Tiny, records wall time in $OUT/NAME.time.
# With REUSE=1 a model already converted (NAME.onnx and NAME.time present) is kept.
convert() {
  local name=$1; shift
  if [ -n "${REUSE:-}" ] && [ -f "$OUT/$name.onnx" ] && [ -f "$OUT/$name.time" ]; then return 0; fi
  local t0=$(date +%s.%N)
  onnxq convert "$FP32" -o "$OUT/$name.onnx" --calib "$CALIB" --quiet --report "$OUT/$name.report.json" "$@"
  echo "$(date +%s.%N) - $t0" | bc > "$OUT/$name.time"
}

# evaluate NAME...: top-1/agreement on $EVAL per model into $OUT/NAME.eval.json (kept with REUSE=1)
evaluate() {
  for n in "$@"; do
    if [ -n "${REUSE:-}" ] && [ -f "$OUT/$n.eval.json" ]; then continue; fi
    local model="$OUT/$n.onnx"; [ "$n" = fp32 ] && model="$FP32"
    onnxq eval "$model" --data "$EVAL" --ref "$FP32" --json > "$OUT/$n.eval.json"
  done
}
