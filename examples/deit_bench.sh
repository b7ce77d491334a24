#!/usr/bin/env bash
# Latency of the quantized DeiT-Tiny models against FP32, side by side in one `onnxq bench` run
# (models interleaved round by round, batch 1 and 8, ORT CPU at full optimization, 2 threads),
# then ORT's per-op profile of each model, and the wall time of `onnxq eval` on the 1000
# imagenet-sample images for each model named in EVAL_MODELS (default: fp32 w8a8 pts_lis_gelu
# w4a4_adalog; "all" for every model).
#   w8a8           W8A8 MinMax (QDQ, fused by ORT into its integer kernels)
#   pts            --pts
#   pts_lis        --pts --lis
#   pts_lis_gelu   --pts --lis --int-gelu (GELU as com.onnxq::GeluTable)
#   w4a4_adalog    --adalog --wbits 4 --abits 4
#   w6a6_adalog    --adalog --wbits 6 --abits 6
OUT="${OUT:-$(cd "$(dirname "$0")" && pwd)/out/bench}"
source "$(dirname "$0")/common.sh"
convert w8a8 --calib-count 100
convert pts --pts --calib-count 100
convert pts_lis --pts --lis --calib-count 100
convert pts_lis_gelu --pts --lis --int-gelu --calib-count 100
convert w4a4_adalog --adalog --wbits 4 --abits 4 --calib-count 32
convert w6a6_adalog --adalog --wbits 6 --abits 6 --calib-count 32
NAMES=(w8a8 pts pts_lis pts_lis_gelu w4a4_adalog w6a6_adalog)
MODELS=("$FP32"); for n in "${NAMES[@]}"; do MODELS+=("$OUT/$n.onnx"); done
onnxq bench "${MODELS[@]}" --data "$CALIB" --runs "${RUNS:-20}" --batch 1,8 --threads 2 \
  | tee "$OUT/bench.txt"
onnxq bench "${MODELS[@]}" --data "$CALIB" --runs 10 --batch 1 --threads 2 --profile \
  | tee "$OUT/profile.txt"
: > "$OUT/eval_time.txt"
EVAL_MODELS="${EVAL_MODELS:-fp32 w8a8 pts_lis_gelu w4a4_adalog}"
[ "$EVAL_MODELS" = all ] && EVAL_MODELS="fp32 ${NAMES[*]}"
for n in $EVAL_MODELS; do
  m="$OUT/$n.onnx"; [ "$n" = fp32 ] && m="$FP32"
  t0=$(date +%s.%N)
  onnxq eval "$m" --data "$EVAL" --json > "$OUT/$n.eval.json"
  echo "$n $(echo "$(date +%s.%N) - $t0" | bc) s" | tee -a "$OUT/eval_time.txt"
done
