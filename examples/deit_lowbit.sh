#!/usr/bin/env bash
# Issue-4 table: DeiT-Tiny at W3A3 / W4A4 / W6A6, calibrated on 32 imagenet-val100 images,
# evaluated on the 1000 imagenet-sample images. Rows per bit width:
#   uniform_<method>  uniform quantizers everywhere (observer = method), weights per channel
#   log2              uniform (percentile) + fixed log2 quantizer on the attention probabilities
#   adalog            AdaLog: FPCS searches, AdaLog post-Softmax/post-GELU, RepQ reparameterization
#   adalog_refined    AdaLog + bias correction + GPTQ weight rounding + q/k balance (not in the paper)
# Every AdaLog / log2 model is verified against the Java kernels (8 images).
# REUSE=1 keeps models and evaluations already in $OUT (delete a row's files to redo it).
source "$(dirname "$0")/common.sh"
REFINE=(--bias-correction --gptq --qk-balance)
NAMES=()
for b in 6 4 3; do
  for m in minmax percentile omse; do
    convert "w${b}a${b}_uniform_$m" --wbits "$b" --abits "$b" --method "$m" --calib-count 32
    NAMES+=("w${b}a${b}_uniform_$m")
  done
  convert "w${b}a${b}_log2" --wbits "$b" --abits "$b" --method percentile --log2-softmax --calib-count 32
  convert "w${b}a${b}_adalog" --wbits "$b" --abits "$b" --adalog --calib-count 32
  convert "w${b}a${b}_adalog_refined" --wbits "$b" --abits "$b" --adalog "${REFINE[@]}" --calib-count 32
  NAMES+=("w${b}a${b}_log2" "w${b}a${b}_adalog" "w${b}a${b}_adalog_refined")
  for v in log2 adalog adalog_refined; do
    f="$OUT/w${b}a${b}_$v.verify.json"
    [ -n "${REUSE:-}" ] && [ -f "$f" ] || onnxq verify "$OUT/w${b}a${b}_$v.onnx" --calib "$CALIB" --calib-count 8 --json > "$f"
  done
done
evaluate fp32 "${NAMES[@]}"
MODELS=("$FP32"); for n in "${NAMES[@]}"; do MODELS+=("$OUT/$n.onnx"); done
onnxq bench "${MODELS[@]}" --data "$CALIB" --runs 30 --threads 2 --json > "$OUT/bench.json"
python3 "$(dirname "$0")/table_to_md.py" "$OUT" "${NAMES[@]}" | tee "$OUT/table.md"
grep -h '"mismatches"' "$OUT"/*.verify.json | sort | uniq -c
