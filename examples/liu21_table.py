"""Renders examples/deit_liu21.sh's results: top-1, drop, agreement, sizes, convert time, bit map."""
import json
import os
import sys

out = sys.argv[1]
names = sys.argv[2:]
fp = json.load(open(os.path.join(out, "fp32.eval.json")))
print("| config | top-1 | drop | agreement with FP32 | nominal MB | file MB | convert s | MP bit map (msa/mlp) |")
print("|---|---|---|---|---|---|---|---|")
print(f"| FP32 | {fp['top1']:.1f} | - | 100 | 23.0 | 23.0 | - | |")
for n in names:
    e = json.load(open(os.path.join(out, n + ".eval.json")))
    r = json.load(open(os.path.join(out, n + ".report.json")))
    t = float(open(os.path.join(out, n + ".time")).read())
    mp = r.get("mixedPrecision")
    bits = ""
    if mp:
        ms = mp["modules"]
        bits = " ".join(f"{ms[i]['bits']}/{ms[i + 1]['bits']}" for i in range(0, len(ms), 2))
    print(f"| {n} | {e['top1']:.1f} | {e['top1'] - fp['top1']:+.1f} | {e['agreement']:.1f} | "
          f"{r['nominalBytes'] / 1e6:.2f} | {r['outputBytes'] / 1e6:.1f} | {t:.0f} | {bits} |")
