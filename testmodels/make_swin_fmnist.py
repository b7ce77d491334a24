#!/work/venv/bin/python
"""Train a small Swin Transformer on Fashion-MNIST and export it to ONNX.

Run (from the repository root):

    /work/venv/bin/python testmodels/make_swin_fmnist.py

Needs: a Python environment with torch (2.13, CPU build), timm, onnx and
onnxruntime (see testmodels/README.md for the venv used), and the Debian
package dataset-fashion-mnist (read from /usr/share/datasets/fashion-mnist,
override with FMNIST_DIR). EPOCHS overrides the number of epochs (default 5).

The data loading and preprocessing are those of make_testmodels.py, which is
imported from this directory: (x/255 - 0.2860)/0.3530, one channel.

Writes, next to this script:
  swin_fmnist_op17.onnx   TorchScript exporter, opset 17, input `input`
                          float32 [N,1,28,28], output `logits` float32 [N,10],
                          batch axis dynamic.

Model: timm SwinTransformer, img_size 28, patch 2 -> 14x14 tokens, embed_dim 32,
depths (2,2), heads (2,4), window 7, MLP ratio 4. Stage 1 runs on 14x14 tokens
(2x2 windows of 7x7; its second block uses a cyclic shift of 3 with the shifted
window attention mask), PatchMerging reduces to 7x7 tokens of width 64, and
stage 2 is a single 7x7 window (timm drops the shift there, since the window
covers the whole feature map). Global average pool, LayerNorm, Linear(64,10).

After training, the script checks the ONNX file with onnxruntime on the first
1000 test images, both from the raw dataset and from fmnist_test.npy, and
compares the accuracy with torch.
"""
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_testmodels import accuracy, load_split, preprocess  # noqa: E402

from timm.models.swin_transformer import SwinTransformer  # noqa: E402

EPOCHS = int(os.environ.get("EPOCHS", "5"))
BATCH = 128
LR = 2e-3
WEIGHT_DECAY = 0.05
WARMUP_STEPS = 200
OPSET = 17
OUT = os.path.join(HERE, "swin_fmnist_op17.onnx")


def build_model():
    return SwinTransformer(img_size=28, patch_size=2, in_chans=1, num_classes=10,
                           embed_dim=32, depths=(2, 2), num_heads=(2, 4), window_size=7,
                           mlp_ratio=4.0, drop_path_rate=0.0)


def train(model, x_train, y_train):
    xt = torch.from_numpy(x_train)
    yt = torch.from_numpy(y_train)
    steps_per_epoch = len(xt) // BATCH
    total = EPOCHS * steps_per_epoch
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        skip = p.ndim <= 1 or "relative_position_bias_table" in name
        (no_decay if skip else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY},
                             {"params": no_decay, "weight_decay": 0.0}], lr=LR)

    def lr_at(step):
        if step < WARMUP_STEPS:
            return LR * (step + 1) / WARMUP_STEPS
        t = (step - WARMUP_STEPS) / max(1, total - WARMUP_STEPS)
        return LR * 0.5 * (1 + math.cos(math.pi * t))

    g = torch.Generator().manual_seed(0)
    step = 0
    for epoch in range(EPOCHS):
        model.train()
        t0 = time.time()
        perm = torch.randperm(len(xt), generator=g)
        run_loss = 0.0
        for i in range(steps_per_epoch):
            idx = perm[i * BATCH:(i + 1) * BATCH]
            xb, yb = xt[idx], yt[idx]
            flip = torch.rand(len(idx), generator=g) < 0.5          # random horizontal flip
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            for pg in opt.param_groups:
                pg["lr"] = lr_at(step)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            run_loss += loss.item()
            step += 1
        print(f"epoch {epoch + 1}/{EPOCHS}: loss {run_loss / steps_per_epoch:.4f} "
              f"({time.time() - t0:.0f}s)", flush=True)


def main():
    torch.manual_seed(0)
    torch.set_num_threads(2)
    x_train_u8, y_train = load_split("train")
    x_test_u8, y_test = load_split("t10k")
    x_train = preprocess(x_train_u8)
    x_test = preprocess(x_test_u8)

    model = build_model()
    print(f"parameters: {sum(p.numel() for p in model.parameters())}")
    t0 = time.time()
    train(model, x_train, y_train)
    print(f"training wall time: {time.time() - t0:.0f}s")
    model.eval()

    acc_full = accuracy(model, x_test, y_test)
    acc_1k = accuracy(model, x_test[:1000], y_test[:1000])
    print(f"torch FP32 accuracy: full 10k test {acc_full:.4f}, first 1000 {acc_1k:.4f}")

    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(model, dummy, OUT, opset_version=OPSET, dynamo=False,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    print(f"wrote {os.path.basename(OUT)} ({os.path.getsize(OUT)} bytes)")

    import onnx
    import onnxruntime as ort
    m = onnx.load(OUT)
    hist = {}
    for n in m.graph.node:
        hist[n.op_type] = hist.get(n.op_type, 0) + 1
    print("ops:", dict(sorted(hist.items(), key=lambda kv: -kv[1])))

    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(OUT, so, providers=["CPUExecutionProvider"])
    xs, ys = x_test[:1000], y_test[:1000]
    logits = sess.run(["logits"], {"input": xs})[0]
    with torch.no_grad():
        ref = model(torch.from_numpy(xs)).numpy()
    print(f"onnxruntime accuracy on first 1000 (from dataset): {(logits.argmax(1) == ys).mean():.4f}")
    print(f"max |logit diff| onnxruntime vs torch: {np.abs(logits - ref).max():.3e}; "
          f"argmax agreement {(logits.argmax(1) == ref.argmax(1)).mean():.4f}")

    xs_npy = np.load(os.path.join(HERE, "fmnist_test.npy"))
    ys_npy = np.load(os.path.join(HERE, "fmnist_test_labels.npy"))
    same = np.array_equal(xs_npy, xs) and np.array_equal(ys_npy, ys)
    logits_npy = sess.run(["logits"], {"input": xs_npy})[0]
    print(f"onnxruntime accuracy on fmnist_test.npy: {(logits_npy.argmax(1) == ys_npy).mean():.4f} "
          f"(npy slices identical to the dataset preprocessing: {same})")


if __name__ == "__main__":
    sys.exit(main())
