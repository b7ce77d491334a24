#!/work/venv/bin/python
"""Export small random-weight ViT / DeiT / Swin models the way users export them.

Run (from the repository root):

    /work/venv/bin/python testmodels/make_exports.py [NAME ...]

With names (e.g. tv_swin_t), only those models are re-exported and the other
manifest entries are kept as they are.

Needs: a Python environment with torch (2.13, CPU build), torchvision, timm,
transformers, onnx, onnxscript and onnxruntime (see testmodels/README.md for
the venv used and the torchvision import fix). No network, no pretrained
weights, no dataset. Takes about a minute on 2 cores.

Writes into testmodels/exports/:
  <name>.onnx        one file per model (weights inside the file, except
                     timm_vit_fused_dynamo_extdata.onnx, which keeps the
                     dynamo exporter's default sidecar <name>.onnx.data)
  manifest.json      one object per model: family, source library, exporter,
                     attention implementation, opset, parameter count, number
                     of transformer blocks / nn.Linear / nn.LayerNorm /
                     PatchMerging modules in the torch model (with the Linear
                     module names), the preprocessing the model family expects,
                     whether a batch of 2 runs correctly in onnxruntime, the
                     ONNX op-type histogram, the warnings the exporter
                     printed, and notes.

Every model is the library's own architecture with width and depth reduced
(hidden 64, 2 blocks, 4 heads, MLP 64->128->64 for the ViTs; embed_dim 16 with
3 stages, or 12 with 4 stages, for the Swins), 224x224 RGB input so that real
ImageNet images can be fed after the usual resize/centre crop, and a 100-class
head (a 1000-class head would be a quarter of each file and changes nothing in
the graph). Weights are random (torch.manual_seed(0) before each model).
After construction, every parameter that the library initialises to a
constant (zero biases, LayerNorm gains of one, zero tokens, torchvision's zero
classifier) receives small seeded noise, so that no path through the graph is
trivially zero, the exporter does not merge identical initializers, and the
comparison with torch means something.

Exports use the exporter defaults apart from what is spelled out here:
TorchScript exports (dynamo=False) trace a batch-1 dummy input and declare the
batch axis dynamic with dynamic_axes; dynamo exports (dynamo=True) keep their
default static shapes (batch 1) and are written as a single file
(external_data=False), except the one _extdata model.

Each file is checked with onnxruntime (CPU) against torch on a random batch of
1 and, for every model, on a random batch of 2; batch_dynamic_works records
whether the batch of 2 runs and matches torch within the tolerance.
"""
import collections
import json
import os
import sys
import traceback
import warnings

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "exports")
TOL = 1e-4

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
HALF = [0.5, 0.5, 0.5]


# ---------------------------------------------------------------- model builders
class LogitsOnly(nn.Module):
    """transformers models return a ModelOutput; exporters want a tensor."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(pixel_values=x).logits


def hf_vit(attn):
    from transformers import ViTConfig, ViTForImageClassification
    cfg = ViTConfig(image_size=224, patch_size=16, num_channels=3, hidden_size=64,
                    num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
                    num_labels=100)
    cfg._attn_implementation = attn
    m = ViTForImageClassification(cfg)
    assert m.config._attn_implementation == attn
    return LogitsOnly(m)


def hf_deit(attn):
    from transformers import DeiTConfig, DeiTForImageClassification
    cfg = DeiTConfig(image_size=224, patch_size=16, num_channels=3, hidden_size=64,
                     num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
                     num_labels=100)
    cfg._attn_implementation = attn
    m = DeiTForImageClassification(cfg)
    assert m.config._attn_implementation == attn
    return LogitsOnly(m)


def hf_swin(attn):
    from transformers import SwinConfig, SwinForImageClassification
    cfg = SwinConfig(image_size=224, patch_size=4, num_channels=3, embed_dim=16,
                     depths=[2, 2, 2], num_heads=[1, 2, 4], window_size=7, mlp_ratio=4.0,
                     num_labels=100)
    cfg._attn_implementation = attn
    m = SwinForImageClassification(cfg)
    assert m.config._attn_implementation == attn
    return LogitsOnly(m)


def timm_model(name, **kw):
    import timm
    return timm.create_model(name, pretrained=False, **kw)


def timm_vit(**kw):
    return timm_model("vit_tiny_patch16_224", embed_dim=64, depth=2, num_heads=4, mlp_ratio=2.0,
                      num_classes=100, **kw)


def timm_deit():
    return timm_model("deit_tiny_patch16_224", embed_dim=64, depth=2, num_heads=4,
                      mlp_ratio=2.0, num_classes=100)


def timm_deit_distilled():
    return timm_model("deit_tiny_distilled_patch16_224", embed_dim=64, depth=2, num_heads=4,
                      mlp_ratio=2.0, num_classes=100)


def timm_swin():
    return timm_model("swin_tiny_patch4_window7_224", embed_dim=16, depths=(2, 2, 2),
                      num_heads=(1, 2, 4), num_classes=100)


def tv_vit():
    from torchvision.models import VisionTransformer
    return VisionTransformer(image_size=224, patch_size=16, num_layers=2, num_heads=4,
                             hidden_dim=64, mlp_dim=128, num_classes=100)


def tv_swin():
    from torchvision.models import SwinTransformer
    return SwinTransformer(patch_size=[4, 4], embed_dim=12, depths=[2, 2, 2, 2],
                           num_heads=[1, 2, 4, 8], window_size=[7, 7], mlp_ratio=2.0,
                           num_classes=100)


def timm_cfg_norm(model):
    cfg = model.pretrained_cfg
    return list(cfg["mean"]), list(cfg["std"])


# ---------------------------------------------------------------- the model list
# block: class name of one transformer block in that library.
SPECS = [
    dict(name="hf_vit_eager", build=lambda: hf_vit("eager"), family="vit", source="transformers",
         attention="eager", exporter="torchscript", opset=17, block="ViTLayer", mean=HALF, std=HALF,
         notes="ViTImageProcessor default mean/std 0.5 (as google/vit-* checkpoints)."),
    dict(name="hf_vit_sdpa", build=lambda: hf_vit("sdpa"), family="vit", source="transformers",
         attention="sdpa", exporter="torchscript", opset=14, block="ViTLayer", mean=HALF, std=HALF,
         notes="ViTImageProcessor default mean/std 0.5."),
    dict(name="hf_deit_eager", build=lambda: hf_deit("eager"), family="deit", source="transformers",
         attention="eager", exporter="torchscript", opset=17, block="DeiTLayer",
         mean=IMAGENET_MEAN, std=IMAGENET_STD,
         notes="DeiTForImageClassification: cls + distillation token (198 tokens), head on the cls "
               "token only. DeiTImageProcessor class default is 0.5; facebook/deit-* checkpoints "
               "configure the ImageNet mean/std recorded here."),
    dict(name="hf_deit_sdpa", build=lambda: hf_deit("sdpa"), family="deit", source="transformers",
         attention="sdpa", exporter="torchscript", opset=18, block="DeiTLayer",
         mean=IMAGENET_MEAN, std=IMAGENET_STD,
         notes="As hf_deit_eager with SDPA attention."),
    dict(name="hf_deit_sdpa_op21", build=lambda: hf_deit("sdpa"), family="deit",
         source="transformers", attention="sdpa", exporter="torchscript", opset=21,
         block="DeiTLayer", mean=IMAGENET_MEAN, std=IMAGENET_STD,
         notes="TorchScript exporter asked for opset 21: it warns that 20 is the highest it "
               "supports, then writes the graph from its opset-20 translations stamped opset 21 "
               "(see export_warnings)."),
    dict(name="hf_swin_eager", build=lambda: hf_swin("eager"), family="swin", source="transformers",
         attention="eager", exporter="torchscript", opset=17, block="SwinLayer",
         mean=IMAGENET_MEAN, std=IMAGENET_STD,
         notes="SwinForImageClassification, separate q/k/v projections, depths (2,2,2), 56->28->14 "
               "tokens per side, all blocks with odd index shifted. microsoft/swin-* checkpoints use "
               "the ImageNet mean/std."),
    dict(name="hf_swin_sdpa", build=lambda: hf_swin("sdpa"), family="swin", source="transformers",
         attention="sdpa", exporter="torchscript", opset=16, block="SwinLayer",
         mean=IMAGENET_MEAN, std=IMAGENET_STD,
         notes="transformers 5.18 supports SDPA for Swin (relative position bias + shift mask passed "
               "as attn_mask)."),
    dict(name="timm_vit_fused", build=lambda: timm_vit(), family="vit", source="timm",
         attention="fused", exporter="torchscript", opset=17, block="Block", mean="timm", std="timm",
         notes="timm VisionTransformer, default fused attention (F.scaled_dot_product_attention)."),
    dict(name="timm_deit_fused", build=timm_deit, family="deit", source="timm",
         attention="fused", exporter="torchscript", opset=14, block="Block", mean="timm", std="timm",
         notes="timm deit_tiny_patch16_224 is a plain VisionTransformer (no distillation token)."),
    dict(name="timm_deit_distilled_fused", build=timm_deit_distilled, family="deit", source="timm",
         attention="fused", exporter="torchscript", opset=15, block="Block", mean="timm", std="timm",
         notes="timm deit_tiny_distilled_patch16_224: cls + dist token, two heads (head, head_dist); "
               "eval output is (head(cls) + head_dist(dist)) / 2."),
    dict(name="timm_swin", build=timm_swin, family="swin", source="timm",
         attention="eager", exporter="torchscript", opset=17, block="SwinTransformerBlock",
         mean="timm", std="timm",
         notes="timm SwinTransformer (NHWC layout internally). timm's fused path for WindowAttention "
               "is experimental and off by default, so attention is explicit MatMul/Softmax."),
    dict(name="timm_vit_gelu_tanh_op20", build=lambda: timm_vit(act_layer="gelu_tanh"), family="vit",
         source="timm", attention="fused", exporter="torchscript", opset=20, block="Block",
         mean="timm", std="timm",
         notes="act_layer='gelu_tanh' (nn.GELU(approximate='tanh')); opset 20 has the Gelu op."),
    dict(name="tv_vit_b_16", build=tv_vit, family="vit", source="torchvision", attention="mha",
         exporter="torchscript", opset=17, block="EncoderBlock", mean=IMAGENET_MEAN, std=IMAGENET_STD,
         notes="torchvision VisionTransformer (vit_b_16 architecture reduced), nn.MultiheadAttention "
               "whose packed in_proj_weight/in_proj_bias are parameters, not nn.Linear modules "
               "(2 blocks -> 2 packed qkv projections not counted in linears). Traced with a "
               "batch-1 dummy and dynamic_axes. Exporting under torch.no_grad() fails instead "
               "(MHA fast path, aten::_native_multi_head_attention has no ONNX symbolic)."),
    dict(name="tv_swin_t", build=tv_swin, family="swin", source="torchvision", attention="eager",
         exporter="torchscript", opset=17, block="SwinTransformerBlock",
         mean=IMAGENET_MEAN, std=IMAGENET_STD,
         notes="torchvision SwinTransformer (swin_t architecture reduced): 4 stages 56/28/14/7, "
               "3 PatchMerging; the last stage (7x7 = one window) has no shift."),
    dict(name="timm_vit_fused_dynamo", build=lambda: timm_vit(), family="vit", source="timm",
         attention="fused", exporter="dynamo", opset=18, block="Block", mean="timm", std="timm",
         notes="Same architecture as timm_vit_fused; dynamo exporter, static batch 1."),
    dict(name="timm_vit_fused_dynamo_extdata", build=lambda: timm_vit(), family="vit", source="timm",
         attention="fused", exporter="dynamo", opset=18, block="Block", mean="timm", std="timm",
         external_data=True,
         notes="As timm_vit_fused_dynamo but saved with the exporter's default external_data=True: "
               "the weights are in the sidecar file timm_vit_fused_dynamo_extdata.onnx.data."),
    dict(name="hf_vit_sdpa_dynamo_op21", build=lambda: hf_vit("sdpa"), family="vit",
         source="transformers", attention="sdpa", exporter="dynamo", opset=21, block="ViTLayer",
         mean=HALF, std=HALF,
         notes="Opset 21 from the dynamo exporter (hf_deit_sdpa_op21 is the TorchScript one)."),
    dict(name="timm_swin_dynamo", build=timm_swin, family="swin", source="timm", attention="eager",
         exporter="dynamo", opset=18, block="SwinTransformerBlock", mean="timm", std="timm",
         notes="Same architecture as timm_swin; dynamo exporter, static batch 1."),
]


# ---------------------------------------------------------------- helpers
def perturb_constant_params(model, gen):
    """Give parameters that start as all-zero / all-one small seeded noise."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            flat = p.detach().flatten()
            if flat.numel() == 0:
                continue
            if bool((flat == 0).all()):
                p.add_(torch.randn(p.shape, generator=gen) * 0.02)
            elif bool((flat == 1).all()):
                p.add_(torch.randn(p.shape, generator=gen) * 0.1)


def module_stats(model, block_cls):
    linears = [n for n, m in model.named_modules() if isinstance(m, nn.Linear)]
    lns = [n for n, m in model.named_modules() if isinstance(m, nn.LayerNorm)]
    pm = [n for n, m in model.named_modules() if "PatchMerging" in type(m).__name__]
    blocks = [n for n, m in model.named_modules() if type(m).__name__ == block_cls]
    return linears, lns, pm, blocks


def op_histogram(model_proto):
    hist = collections.Counter()

    def walk(graph):
        for n in graph.node:
            key = n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}.{n.op_type}"
            hist[key] += 1
            for a in n.attribute:
                if a.g is not None and a.g.node:
                    walk(a.g)
                for g in a.graphs:
                    walk(g)

    walk(model_proto.graph)
    return dict(sorted(hist.items(), key=lambda kv: (-kv[1], kv[0])))


def weight_matmuls(model_proto):
    """MatMul/Gemm nodes with an initializer or Constant operand (what a quantizer targets)."""
    consts = {i.name for i in model_proto.graph.initializer}
    consts |= {o for n in model_proto.graph.node if n.op_type == "Constant" for o in n.output}
    return sum(1 for n in model_proto.graph.node
               if n.op_type in ("MatMul", "Gemm") and any(i in consts for i in n.input[:2]))


def onnx_opset(model_proto):
    for o in model_proto.opset_import:
        if o.domain in ("", "ai.onnx"):
            return o.version
    return None


def export_one(spec, model, path, dummy):
    """Export and return the distinct warnings raised while exporting (first lines)."""
    common = dict(opset_version=spec["opset"], input_names=["input"], output_names=["logits"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if spec["exporter"] == "torchscript":
            torch.onnx.export(model, (dummy,), path, dynamo=False,
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                              **common)
        else:
            torch.onnx.export(model, (dummy,), path, dynamo=True,
                              external_data=spec.get("external_data", False), **common)
    seen = []
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, FutureWarning)):
            continue
        text = str(w.message).strip().splitlines()
        text = f"{w.category.__name__}: {text[0] if text else ''}"[:240]
        if "legacy TorchScript-based ONNX export" in text or text in seen:
            continue
        seen.append(text)
    return seen


def ort_session(path):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def short(exc):
    msg = str(exc).strip().splitlines()
    msg = msg[0] if msg else type(exc).__name__
    return (type(exc).__name__ + ": " + msg)[:300]


# ---------------------------------------------------------------- main
def main():
    import onnx
    torch.set_num_threads(2)
    warnings.filterwarnings("ignore")
    os.makedirs(OUT_DIR, exist_ok=True)
    only = set(sys.argv[1:])

    manifest_path = os.path.join(OUT_DIR, "manifest.json")
    old = {}
    if only and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            old = {e["file"]: e for e in json.load(f)}

    manifest = []
    rows = []
    for spec in SPECS:
        fname = spec["name"] + ".onnx"
        if only and spec["name"] not in only:
            if fname in old:
                manifest.append(old[fname])
            continue
        print(f"== {spec['name']}", flush=True)
        torch.manual_seed(0)
        model = spec["build"]().eval()
        perturb_constant_params(model, torch.Generator().manual_seed(1))
        mean, std = spec["mean"], spec["std"]
        if mean == "timm":
            mean, std = timm_cfg_norm(model)
        linears, lns, pm, blocks = module_stats(model, spec["block"])
        num_classes = None
        for n, m in model.named_modules():
            if isinstance(m, nn.Linear):
                num_classes = m.out_features          # the head is the last Linear in every model
        path = os.path.join(OUT_DIR, fname)
        for p in (path, path + ".data"):
            if os.path.exists(p):
                os.remove(p)

        gen = torch.Generator().manual_seed(2)
        x1 = torch.randn(1, 3, 224, 224, generator=gen)
        x2 = torch.randn(2, 3, 224, 224, generator=gen)
        with torch.no_grad():
            ref1 = model(x1).numpy()
            ref2 = model(x2).numpy()
        # Exported with autograd enabled, as a plain torch.onnx.export call does: under
        # torch.no_grad() nn.MultiheadAttention takes its fast path, which traces to
        # aten::_native_multi_head_attention and has no ONNX symbolic.
        export_warnings = export_one(spec, model, path, torch.zeros(1, 3, 224, 224))

        proto = onnx.load(path)
        onnx.checker.check_model(path)
        sess = ort_session(path)
        out1 = sess.run(["logits"], {"input": x1.numpy()})[0]
        diff1 = float(np.abs(out1 - ref1).max())
        batch2_note = None
        diff2 = None
        try:
            out2 = sess.run(["logits"], {"input": x2.numpy()})[0]
            if out2.shape != ref2.shape:
                batch2_note = f"runs but output shape {list(out2.shape)} != {list(ref2.shape)}"
            else:
                diff2 = float(np.abs(out2 - ref2).max())
                if diff2 > TOL:
                    batch2_note = f"runs but wrong: max |diff| vs torch {diff2:.3e}"
        except Exception as e:  # noqa: BLE001
            batch2_note = "fails: " + short(e)
        works2 = batch2_note is None
        in_shape = [d.dim_param or d.dim_value
                    for d in proto.graph.input[0].type.tensor_type.shape.dim]
        hist = op_histogram(proto)
        notes = spec["notes"]
        if not works2 and spec["exporter"] == "dynamo":
            notes += (f" Static input shape {in_shape}: onnxruntime rejects a batch of 2 "
                      "(invalid dimensions).")
        elif not works2:
            notes += " Batch 2 in onnxruntime " + batch2_note + "."
        if diff1 > TOL:
            notes += f" WARNING: batch-1 max |diff| vs torch {diff1:.3e} exceeds {TOL}."
        entry = dict(
            file=fname, family=spec["family"], source=spec["source"], exporter=spec["exporter"],
            attention=spec["attention"], opset=onnx_opset(proto), opset_requested=spec["opset"],
            params=int(sum(p.numel() for p in model.parameters())), num_classes=num_classes,
            blocks=len(blocks), linears=len(linears), linear_names=linears,
            layernorms=len(lns), patch_merging=len(pm), weight_matmuls=weight_matmuls(proto),
            input_shape=in_shape, image_size=224, mean=[round(v, 4) for v in mean],
            std=[round(v, 4) for v in std], batch_dynamic_works=works2,
            max_abs_diff_batch1=diff1, max_abs_diff_batch2=diff2,
            logits_std=float(ref1.std()), size_bytes=os.path.getsize(path), nodes=len(proto.graph.node),
            ops=hist, export_warnings=export_warnings, notes=notes)
        if spec.get("external_data"):
            entry["external_data"] = [os.path.basename(p) for p in sorted(os.listdir(OUT_DIR))
                                      if p.startswith(fname) and p != fname]
            entry["size_bytes"] += sum(os.path.getsize(os.path.join(OUT_DIR, p))
                                       for p in entry["external_data"])
        manifest.append(entry)
        top = ", ".join(f"{k} {v}" for k, v in list(hist.items())[:10])
        rows.append((fname, entry["size_bytes"] / 1024, entry["opset"], len(proto.graph.node),
                     works2, diff1, top))
        print(f"   opset {entry['opset']}, {entry['size_bytes'] / 1024:.0f} KB, params {entry['params']}, "
              f"blocks {entry['blocks']}, linears {entry['linears']}, LN {entry['layernorms']}, "
              f"PM {entry['patch_merging']}, diff1 {diff1:.2e}, batch2 {batch2_note or 'ok'}",
              flush=True)

    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")

    print()
    print(f"{'file':38} {'KB':>6} {'opset':>5} {'nodes':>5} {'b2':>3} {'diff1':>8}  top ops")
    for r in rows:
        print(f"{r[0]:38} {r[1]:6.0f} {r[2]:5} {r[3]:5} {'y' if r[4] else 'n':>3} {r[5]:8.1e}  {r[6]}")
    total = sum(e["size_bytes"] for e in manifest)
    print(f"total size {total / 1024:.0f} KB in {len(manifest)} models")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:
        traceback.print_exc()
        sys.exit(1)
