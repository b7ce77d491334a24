"""Renders the JSON that the example scripts collect into the README's markdown table."""
import json
import os
import sys

out = sys.argv[1]
names = sys.argv[2:]
# one eval.json for all models, or one NAME.eval.json per model (examples/common.sh: evaluate)
ev = {}
for f in sorted(os.listdir(out)):
    if f == "eval.json" or f.endswith(".eval.json"):
        d = json.load(open(os.path.join(out, f)))
        if "top1" in d:  # a single model's eval: key it by its file name
            n = f[: -len(".eval.json")]
            d = {("deit_tiny_patch16_224.onnx" if n == "fp32" else "/" + n + ".onnx"): d}
        ev.update(d)
bench = json.load(open(os.path.join(out, "bench.json")))
fp32_key = [k for k in bench if k.endswith("deit_tiny_patch16_224.onnx")][0]
fp32_ms = bench[fp32_key]["medianMs"]
print("| config | top-1 | top-5 | agreement with FP32 | logit cosine | size MB | ORT latency b=1 (vs FP32) | convert s |")
print("|---|---|---|---|---|---|---|---|")
fp = ev[[k for k in ev if k.endswith("deit_tiny_patch16_224.onnx")][0]]
if fp:
    print(f"| FP32 | {fp['top1']:.1f} | {fp['top5']:.1f} | 100 | 1.0000 | {bench[fp32_key]['bytes']/1e6:.1f} | {fp32_ms:.1f} ms (1.00x) | - |")
for n in names:
    e = ev[[k for k in ev if k.endswith("/" + n + ".onnx")][0]]
    b = bench[[k for k in bench if k.endswith("/" + n + ".onnx")][0]]
    t = float(open(os.path.join(out, n + ".time")).read())
    print(f"| {n} | {e['top1']:.1f} | {e['top5']:.1f} | {e['agreement']:.1f} | {e['meanCosine']:.4f} | "
          f"{b['bytes']/1e6:.1f} | {b['medianMs']:.1f} ms ({fp32_ms/b['medianMs']:.2f}x) | {t:.0f} |")
