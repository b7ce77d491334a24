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

# convert NAME ARGS...: converts DeiT-Tiny, records wall time in $OUT/NAME.time
convert() {
  local name=$1; shift
  local t0=$(date +%s.%N)
  onnxq convert "$FP32" -o "$OUT/$name.onnx" --calib "$CALIB" --quiet --report "$OUT/$name.report.json" "$@"
  echo "$(date +%s.%N) - $t0" | bc > "$OUT/$name.time"
}
