#!/usr/bin/env bash
# Same-outputs check for a change that must not alter conversions: every configuration behind the
# README tables (the Fashion-MNIST test models, DeiT-Tiny W8A8 observers, FQ-ViT, low-bit/AdaLog)
# is converted with two builds of onnxq on the same calibration data and with the same flags as
# the table scripts, then the two models are compared: identical bytes (hence identical logits), or
# else the largest absolute logit difference that `eval AFTER --ref BEFORE` reports (run with the
# AFTER jar, on the configuration's evaluation data).
#
# Usage: examples/same_outputs.sh BEFORE_JAR AFTER_JAR [OUTDIR]   (OUTDIR: $OUT/same_outputs)
#   CALIB_COUNT=N   calibrate on N images (default: as the table scripts, 100 for W8A8 and FQ-ViT,
#                   32 for low-bit, all 64 of fmnist_calib.npy for the test models)
#   CONFIGS="a b"   only these configurations (names as printed; default: all)
#   EVAL_COUNT=N    when the bytes differ, compare logits on the first N samples (default: all)
#   TOL=x           largest |logit diff| accepted (default 0: logits must be identical)
#   REUSE_BEFORE=1  keep BEFORE models already in OUTDIR/before (from a run with the same BEFORE_JAR
#                   and CALIB_COUNT), so only the AFTER side is converted again
# Prints one line per configuration and $OUTDIR/summary.tsv; exits 1 if any configuration's logits
# differ (or a conversion or comparison fails).
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: $0 BEFORE_JAR AFTER_JAR [OUTDIR]" >&2; exit 2; }
for j in "$1" "$2"; do [ -f "$j" ] || { echo "no such jar: $j" >&2; exit 2; }; done
BEFORE_JAR="$(realpath "$1")"; AFTER_JAR="$(realpath "$2")"
JAR="$AFTER_JAR"
source "$(dirname "$0")/common.sh"
O="$(realpath -m "${3:-$OUT/same_outputs}")"
mkdir -p "$O/before" "$O/after"
TM="$ROOT/testmodels"
TOL="${TOL:-0}"
REFINE="--bias-correction --gptq --qk-balance"

# One configuration per line: name, model, calibration data, calibration count (- = all), eval data,
# convert flags. Fashion-MNIST first (seconds each), then the DeiT tables in README order.
CONFIG_TABLE=$(
  for t in vit_fmnist_op13 vit_fmnist_op17 swin_fmnist_op17; do
    m="$TM/$t.onnx"; d="$TM/fmnist_calib.npy"; e="$TM/fmnist_test.npy"
    echo "${t}_w8a8|$m|$d|-|$e|"
    echo "${t}_pts_lis|$m|$d|-|$e|--pts --lis"
    echo "${t}_adalog_w4a4|$m|$d|-|$e|--adalog --wbits 4 --abits 4"
  done
  echo "vit_fmnist_op13_w8a8_omse|$TM/vit_fmnist_op13.onnx|$TM/fmnist_calib.npy|-|$TM/fmnist_test.npy|--method omse"
  echo "vit_fmnist_op17_w8a8_percentile|$TM/vit_fmnist_op17.onnx|$TM/fmnist_calib.npy|-|$TM/fmnist_test.npy|--method percentile"
  for m in minmax ema percentile omse; do  # deit_w8a8.sh
    echo "w8a8_$m|$FP32|$CALIB|100|$EVAL|--method $m"
  done
  for m in minmax ema percentile omse; do  # deit_fqvit.sh
    echo "full_$m|$FP32|$CALIB|100|$EVAL|--method $m --full"
    echo "pts_$m|$FP32|$CALIB|100|$EVAL|--method $m --pts"
    echo "pts_lis_$m|$FP32|$CALIB|100|$EVAL|--method $m --pts --lis"
  done
  echo "pts_lis_minmax_inline|$FP32|$CALIB|100|$EVAL|--pts --lis --emit inline"
  for b in 6 4 3; do  # deit_lowbit.sh
    for m in minmax percentile omse; do
      echo "w${b}a${b}_uniform_$m|$FP32|$CALIB|32|$EVAL|--wbits $b --abits $b --method $m"
    done
    echo "w${b}a${b}_log2|$FP32|$CALIB|32|$EVAL|--wbits $b --abits $b --method percentile --log2-softmax"
    echo "w${b}a${b}_adalog|$FP32|$CALIB|32|$EVAL|--wbits $b --abits $b --adalog"
    echo "w${b}a${b}_adalog_refined|$FP32|$CALIB|32|$EVAL|--wbits $b --abits $b --adalog $REFINE"
  done
)

if [ -n "${CONFIGS:-}" ]; then
  for c in $CONFIGS; do
    grep -q "^$c|" <<< "$CONFIG_TABLE" || { echo "unknown configuration: $c" >&2; exit 2; }
  done
fi

# conv JAR SIDE NAME MODEL CALIB COUNT FLAGS...: converts, writes seconds to SIDE/NAME.time
conv() {
  local jar=$1 side=$2 name=$3 model=$4 data=$5 count=$6; shift 6
  local cc=(); [ "$count" != - ] && cc=(--calib-count "$count")
  [ -n "${CALIB_COUNT:-}" ] && cc=(--calib-count "$CALIB_COUNT")
  rm -f "$O/$side/$name.onnx" "$O/$side/$name.time"
  local t0=$(date +%s.%N)
  java -Xmx8g -jar "$jar" convert "$model" -o "$O/$side/$name.onnx" --calib "$data" "${cc[@]}" --quiet \
    --report "$O/$side/$name.report.json" "$@" < /dev/null > "$O/$side/$name.log" 2>&1 || return 1
  echo "$(date +%s.%N) - $t0" | bc > "$O/$side/$name.time"
}

fail=0
printf '%-34s %-9s %-12s %9s %9s\n' config identical "max|diff|" before_s after_s | tee "$O/summary.txt"
printf 'config\tidentical_bytes\tmax_abs_logit_diff\tconvert_s_before\tconvert_s_after\n' > "$O/summary.tsv"
while IFS='|' read -r name model data count evald flags; do
  if [ -n "${CONFIGS:-}" ] && [[ " $(echo $CONFIGS) " != *" $name "* ]]; then continue; fi
  read -ra f <<< "$flags"
  same=- diff=- tb=- ta=-
  if [ -n "${REUSE_BEFORE:-}" ] && [ -f "$O/before/$name.onnx" ] && [ -f "$O/before/$name.time" ]; then :
  elif ! conv "$BEFORE_JAR" before "$name" "$model" "$data" "$count" "${f[@]}"; then
    diff="before-failed"; tail -n 3 "$O/before/$name.log" >&2
  fi
  if [ "$diff" = - ] && ! conv "$AFTER_JAR" after "$name" "$model" "$data" "$count" "${f[@]}"; then
    diff="after-failed"; tail -n 3 "$O/after/$name.log" >&2
  fi
  [ -f "$O/before/$name.time" ] && tb=$(printf '%.1f' "$(cat "$O/before/$name.time")")
  [ -f "$O/after/$name.time" ] && ta=$(printf '%.1f' "$(cat "$O/after/$name.time")")
  if [ "$diff" = - ]; then
    hb=$(sha256sum < "$O/before/$name.onnx"); ha=$(sha256sum < "$O/after/$name.onnx")
    if [ "$hb" = "$ha" ]; then
      same=yes diff=0
    else
      same=no
      lim=(); [ -n "${EVAL_COUNT:-}" ] && lim=(--limit "$EVAL_COUNT")
      if java -Xmx8g -jar "$AFTER_JAR" eval "$O/after/$name.onnx" --ref "$O/before/$name.onnx" \
          --data "$evald" "${lim[@]}" --json < /dev/null > "$O/$name.eval.json" 2> "$O/$name.eval.log"; then
        diff=$(python3 -c 'import json,sys; print("%.6g" % json.load(open(sys.argv[1]))["maxAbsLogitDiff"])' \
          "$O/$name.eval.json") || diff="eval-failed"
      else
        diff="eval-failed"; tail -n 3 "$O/$name.eval.log" >&2
      fi
    fi
  fi
  if [ "$same" != yes ] && ! python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)' \
      "$diff" "$TOL" 2> /dev/null; then
    fail=1
  fi
  printf '%-34s %-9s %-12s %9s %9s\n' "$name" "$same" "$diff" "$tb" "$ta" | tee -a "$O/summary.txt"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$same" "$diff" "$tb" "$ta" >> "$O/summary.tsv"
done <<< "$CONFIG_TABLE"
if [ $fail = 0 ]; then echo "same outputs: every configuration gives identical logits"
else echo "DIFFERENT: at least one configuration's logits differ (or it failed); see $O" >&2; fi
exit $fail
