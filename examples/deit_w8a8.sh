#!/usr/bin/env bash
# Issue-2 table: DeiT-Tiny W8A8 QDQ (LayerNorm/Softmax/GELU float) with each observer.
# Calibrates on 100 imagenet-val100 images, evaluates on the 1000 imagenet-sample images.
source "$(dirname "$0")/common.sh"
NAMES=()
for m in minmax ema percentile omse; do
  convert "w8a8_$m" --method "$m" --calib-count 100
  NAMES+=("w8a8_$m")
done
MODELS=("$FP32"); for n in "${NAMES[@]}"; do MODELS+=("$OUT/$n.onnx"); done
onnxq eval "${MODELS[@]}" --data "$EVAL" --ref "$FP32" --json > "$OUT/eval.json"
onnxq bench "${MODELS[@]}" --data "$CALIB" --runs 100 --threads 2 --json > "$OUT/bench.json"
python3 "$(dirname "$0")/table_to_md.py" "$OUT" "${NAMES[@]}" | tee "$OUT/table.md"
