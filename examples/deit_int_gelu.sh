#!/usr/bin/env bash
# Integer GELU on DeiT-Tiny: the FQ-ViT table's --int-gelu rows. For each observer:
#   pts_lis_M      = --pts --lis (8/8/4; GELU float)
#   pts_lis_gelu_M = --pts --lis --int-gelu (GELU as com.onnxq::GeluTable on fc1's 8-bit output)
# and pts_lis_ibert_percentile = --pts --lis --int-gelu=ibert (I-BERT's i-GELU, com.onnxq::IntGelu),
# full_gelu_minmax = --int-gelu alone (FQ-ViT placement, float LayerNorm and Softmax).
# Calibrates on 100 imagenet-val100 images, evaluates on the 1000 imagenet-sample images, verifies
# every custom op of the --int-gelu models (16 images), and runs inspect's integer-only check on
# each model (integer_only.txt).
OUT="${OUT:-$(cd "$(dirname "$0")" && pwd)/out/int_gelu}"
source "$(dirname "$0")/common.sh"
NAMES=()
for m in minmax ema percentile omse; do
  convert "pts_lis_$m" --method "$m" --pts --lis --calib-count 100
  convert "pts_lis_gelu_$m" --method "$m" --pts --lis --int-gelu --calib-count 100
  NAMES+=("pts_lis_$m" "pts_lis_gelu_$m")
done
convert pts_lis_ibert_percentile --method percentile --pts --lis --int-gelu=ibert --calib-count 100
convert full_gelu_minmax --method minmax --int-gelu --calib-count 100
NAMES+=(pts_lis_ibert_percentile full_gelu_minmax)
for n in pts_lis_gelu_minmax pts_lis_gelu_ema pts_lis_gelu_percentile pts_lis_gelu_omse \
  pts_lis_ibert_percentile full_gelu_minmax; do
  if [ -n "${REUSE:-}" ] && [ -f "$OUT/$n.verify.json" ]; then continue; fi
  onnxq verify "$OUT/$n.onnx" --calib "$CALIB" --calib-count 16 --json > "$OUT/$n.verify.json"
done
: > "$OUT/integer_only.txt"
for n in "${NAMES[@]}"; do
  echo "$n: $(onnxq inspect "$OUT/$n.onnx" | grep '^integer-only')" >> "$OUT/integer_only.txt"
done
MODELS=("$FP32"); for n in "${NAMES[@]}"; do MODELS+=("$OUT/$n.onnx"); done
if [ -z "${REUSE:-}" ] || [ ! -f "$OUT/eval.json" ]; then
  onnxq eval "${MODELS[@]}" --data "$EVAL" --ref "$FP32" --json > "$OUT/eval.json"
fi
onnxq bench "${MODELS[@]}" --data "$CALIB" --runs 20 --batch 1 --threads 2 --json > "$OUT/bench.json"
python3 "$(dirname "$0")/table_to_md.py" "$OUT" "${NAMES[@]}" | tee "$OUT/table.md"
cat "$OUT/integer_only.txt"
grep -h '"mismatches"' "$OUT"/*.verify.json | sort | uniq -c
