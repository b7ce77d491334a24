#!/usr/bin/env bash
# Issue-3 table: DeiT-Tiny fully quantized, FQ-ViT style. For each observer:
#   full    = FQ-ViT placement, LayerNorm input per tensor, float LayerNorm/Softmax (8/8/8)
#   pts     = + PTS integer LayerNorm (8/8/8)
#   pts_lis = + LIS integer softmax, 4-bit attention (8/8/4)
# Calibrates on 100 imagenet-val100 images, evaluates on the 1000 imagenet-sample images, and
# verifies every custom op of the PTS/LIS models against the Java kernels (16 images each).
source "$(dirname "$0")/common.sh"
NAMES=()
for m in minmax ema percentile omse; do
  convert "full_$m" --method "$m" --full --calib-count 100
  convert "pts_$m" --method "$m" --pts --calib-count 100
  convert "pts_lis_$m" --method "$m" --pts --lis --calib-count 100
  NAMES+=("full_$m" "pts_$m" "pts_lis_$m")
done
for m in minmax ema percentile omse; do
  for v in pts pts_lis; do
    onnxq verify "$OUT/${v}_$m.onnx" --calib "$CALIB" --calib-count 16 --json > "$OUT/${v}_$m.verify.json"
  done
done
onnxq convert "$FP32" -o "$OUT/pts_lis_minmax_inline.onnx" --calib "$CALIB" --calib-count 100 --pts --lis --emit inline --quiet
MODELS=("$FP32"); for n in "${NAMES[@]}" pts_lis_minmax_inline; do MODELS+=("$OUT/$n.onnx"); done
onnxq eval "${MODELS[@]}" --data "$EVAL" --ref "$FP32" --json > "$OUT/eval.json"
onnxq bench "${MODELS[@]}" --data "$CALIB" --runs 100 --threads 2 --json > "$OUT/bench.json"
python3 "$(dirname "$0")/table_to_md.py" "$OUT" "${NAMES[@]}" | tee "$OUT/table.md"
grep -h '"mismatches"' "$OUT"/*.verify.json | sort | uniq -c
