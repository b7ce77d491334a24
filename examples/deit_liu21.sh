#!/usr/bin/env bash
# Liu et al. 2021 table: DeiT-Tiny calibrated on 32 imagenet-val100 images, evaluated on the 1000
# imagenet-sample images. Rows per width (W8A8, W6A6):
#   observer         the best uniform observer of the earlier tables (percentile at 8, omse at 6)
#   sim_paper        similarity-aware search, the paper's symmetric per-tensor quantizer
#   sim_onnxq        the same search on onnxq's grids (per-channel weights, unsigned inputs)
#   sim_onnxq_rank   + ranking-aware Q*K^T search
#   sim_onnxq_rank_bc + bias correction (the full method)
# Ablation in the paper's form at W6A6 (paper quantizer): sim_paper, +rank, +bc, +rank+bc, +mixed
# precision. Mixed precision: 6MP at the nominal size of uniform W6A6 (--avg-bits 6) and 4MP at
# that of W4A4 (--avg-bits 4), uniform (the full method) and with AdaLog (+ its refinements); the
# uniform-width AdaLog rows they compare with are in examples/deit_lowbit.sh's table.
# REUSE=1 keeps models and evaluations already in $OUT (delete a row's files to redo it).
source "$(dirname "$0")/common.sh"
OUT="$OUT/liu21"; mkdir -p "$OUT"
C=(--calib-count 32)
FULL=(--similarity --similarity-grid onnxq --ranking --bias-correction)
REFINE=(--bias-correction --gptq --qk-balance)
NAMES=()
run() { local n=$1; shift; convert "$n" "$@" "${C[@]}"; NAMES+=("$n"); }
for b in 8 6; do
  obs=percentile; [ "$b" = 6 ] && obs=omse
  run "w${b}a${b}_observer_$obs" --wbits "$b" --abits "$b" --method "$obs"
  run "w${b}a${b}_sim_paper" --wbits "$b" --abits "$b" --similarity
  run "w${b}a${b}_sim_onnxq" --wbits "$b" --abits "$b" --similarity --similarity-grid onnxq
  run "w${b}a${b}_sim_onnxq_rank" --wbits "$b" --abits "$b" --similarity --similarity-grid onnxq --ranking
  run "w${b}a${b}_sim_onnxq_rank_bc" --wbits "$b" --abits "$b" "${FULL[@]}"
done
run w6a6_sim_paper_rank --wbits 6 --abits 6 --similarity --ranking
run w6a6_sim_paper_bc --wbits 6 --abits 6 --similarity --bias-correction
run w6a6_sim_paper_rank_bc --wbits 6 --abits 6 --similarity --ranking --bias-correction
run w6a6_sim_paper_rank_bc_6mp --wbits 6 --abits 6 --similarity --ranking --bias-correction --avg-bits 6
run 6mp_full --wbits 6 --abits 6 "${FULL[@]}" --avg-bits 6
run 6mp_adalog --wbits 6 --abits 6 --adalog "${REFINE[@]}" --avg-bits 6
run w4a4_full --wbits 4 --abits 4 "${FULL[@]}"
run 4mp_full --wbits 4 --abits 4 "${FULL[@]}" --avg-bits 4
run 4mp_adalog --wbits 4 --abits 4 --adalog "${REFINE[@]}" --avg-bits 4
for n in 6mp_adalog 4mp_adalog; do
  f="$OUT/$n.verify.json"
  [ -n "${REUSE:-}" ] && [ -f "$f" ] || onnxq verify "$OUT/$n.onnx" --calib "$CALIB" --calib-count 8 --json > "$f"
done
evaluate fp32 "${NAMES[@]}"
python3 "$(dirname "$0")/liu21_table.py" "$OUT" "${NAMES[@]}" | tee "$OUT/table.md"
grep -h '"mismatches"' "$OUT"/*.verify.json | sort | uniq -c
