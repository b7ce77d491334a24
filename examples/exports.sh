#!/usr/bin/env bash
# Exporter/architecture table: every random-weight export in testmodels/exports, as `inspect`
# sees it, converted with W8A8, --pts --lis and --adalog --wbits 4 --abits 4 (8 calibration images
# from imagenet-val100), checked with `verify` (4 images) and compared with its FP32 logits on 100
# imagenet-sample images ($EVAL_COUNT, default 100). Writes $OUT/exports/table.md.
source "$(dirname "$0")/common.sh"
EXPORTS="$ROOT/testmodels/exports"
O="$OUT/exports"; mkdir -p "$O"
EVAL_COUNT="${EVAL_COUNT:-100}"
python3 - "$EXPORTS/manifest.json" > "$O/models.tsv" <<'PY'
import json, sys
for m in json.load(open(sys.argv[1])):
    pre = "vit" if m["mean"][0] == 0.5 else "deit"
    print("\t".join([m["file"], pre, m["source"], m["exporter"], m["attention"], str(m["opset"]), m["family"]]))
PY
while IFS=$'\t' read -r file pre source exporter attention opset family; do
  n="${file%.onnx}"; f="$EXPORTS/$file"
  onnxq inspect "$f" --json > "$O/$n.inspect.json"
  for cfg in w8a8 pts_lis adalog_w4a4; do
    case $cfg in
      w8a8) args=();; pts_lis) args=(--pts --lis);; adalog_w4a4) args=(--adalog --wbits 4 --abits 4);;
    esac
    if [ -z "${REUSE:-}" ] || [ ! -f "$O/${n}_$cfg.onnx" ]; then
      onnxq convert "$f" -o "$O/${n}_$cfg.onnx" --calib "$CALIB" --calib-count 8 --preprocess "$pre" --quiet "${args[@]}"
    fi
    if [ "$cfg" != w8a8 ]; then
      onnxq verify "$O/${n}_$cfg.onnx" --calib "$CALIB" --calib-count 4 --preprocess "$pre" --json > "$O/${n}_$cfg.verify.json"
    fi
    onnxq eval "$O/${n}_$cfg.onnx" --data "$EVAL" --limit "$EVAL_COUNT" --ref "$f" --preprocess "$pre" --json > "$O/${n}_$cfg.eval.json"
  done
done < "$O/models.tsv"
python3 - "$O" > "$O/table.md" <<'PY'
import json, os, sys
o = sys.argv[1]
def load(p):
    with open(p) as f:
        v = json.load(f)
    return v[0] if isinstance(v, list) else v
print("| export | source | exporter | attention | opset | blocks (complete) | linears | attn | LN | GELU | PatchMerging | not covered | W8A8 cos | PTS+LIS cos | AdaLog W4A4 cos | verify mismatches |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for line in open(os.path.join(o, "models.tsv")):
    file, pre, source, exporter, attention, opset, family = line.rstrip("\n").split("\t")
    n = file[:-5]
    s = load(os.path.join(o, n + ".inspect.json"))
    cos = [load(os.path.join(o, f"{n}_{c}.eval.json"))["meanCosine"] for c in ("w8a8", "pts_lis", "adalog_w4a4")]
    mism = 0
    for c in ("pts_lis", "adalog_w4a4"):
        for r in json.load(open(os.path.join(o, f"{n}_{c}.verify.json")))["ops"]:
            mism += r["mismatches"]
    print(f"| {n} | {source} | {exporter} | {attention} | {opset} | {s['blocks']} ({s['completeBlocks']}) | "
          f"{s['linearLayers']} | {s['attentions']} | {s['layerNorms']} | {s['gelus']} | {s['patchMerges']} | "
          f"{len(s['uncovered'])} | {cos[0]:.4f} | {cos[1]:.4f} | {cos[2]:.4f} | {mism} |")
PY
cat "$O/table.md"
