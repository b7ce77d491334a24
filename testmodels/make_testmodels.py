#!/usr/bin/python3
"""Build the small Fashion-MNIST ViT test models used by the onnxq tests.

Run:  /usr/bin/python3 testmodels/make_testmodels.py
Needs: Debian packages python3-torch, python3-onnx (optional: onnxruntime for
the ONNX accuracy check) and dataset-fashion-mnist.

Everything is written into the directory this script lives in:
  vit_fmnist_op13.onnx     opset 13, attention scale applied to q ("timm" style)
  vit_fmnist_op17.onnx     opset 17, attention scale applied to q@k^T ("hf" style)
  fmnist_calib.npy         float32 [64,1,28,28]   preprocessed train images (seed 0)
  fmnist_test.npy          float32 [1000,1,28,28] first 1000 t10k images, preprocessed
  fmnist_test_labels.npy   int64   [1000]         their labels
"""
import gzip
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
MEAN, STD = 0.2860, 0.3530

EPOCHS = int(os.environ.get("EPOCHS", "5"))
BATCH = 128
LR = 2e-3
WEIGHT_DECAY = 0.05
WARMUP_STEPS = 200


# ---------------------------------------------------------------- data
def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = struct.unpack(">I", raw[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    arr = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims)


def load_split(prefix):
    images = read_idx(os.path.join(DATA_DIR, prefix + "-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(DATA_DIR, prefix + "-labels-idx1-ubyte.gz"))
    return images, labels.astype(np.int64)


def preprocess(images_u8):
    x = images_u8.astype(np.float32) / np.float32(255.0)
    x = (x - np.float32(MEAN)) / np.float32(STD)
    return np.ascontiguousarray(x[:, None, :, :], dtype=np.float32)


# ---------------------------------------------------------------- model
class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)
        self.style = "timm"

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        if self.style == "timm":
            attn = (q * self.scale) @ k.transpose(-2, -1)
        else:  # "hf"
            attn = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        attn = attn.softmax(dim=-1)
        out = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(out)


class Block(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        x = x + self.fc2(self.act(self.fc1(self.norm2(x))))
        return x


class TinyViT(nn.Module):
    def __init__(self, dim=64, depth=4, heads=4, hidden=128, patch=4, classes=10):
        super().__init__()
        self.patch_embed = nn.Conv2d(1, dim, kernel_size=patch, stride=patch)
        n_tokens = (28 // patch) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, n_tokens + 1, dim))
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        self.blocks = nn.ModuleList([Block(dim, heads, hidden) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)

    def set_style(self, style):
        for b in self.blocks:
            b.attn.style = style

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)          # [B,49,C]
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat((cls, x), dim=1) + self.pos_embed             # [B,50,C]
        for b in self.blocks:
            x = b(x)
        x = self.norm(x)
        return self.head(x[:, 0])


# ---------------------------------------------------------------- train/eval
@torch.no_grad()
def accuracy(model, x, y, bs=500):
    model.eval()
    correct = 0
    for i in range(0, len(x), bs):
        logits = model(torch.from_numpy(x[i:i + bs]))
        correct += (logits.argmax(1).numpy() == y[i:i + bs]).sum()
    return correct / len(x)


def train(model, x_train, y_train):
    xt = torch.from_numpy(x_train)
    yt = torch.from_numpy(y_train)
    steps_per_epoch = len(xt) // BATCH
    total = EPOCHS * steps_per_epoch
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 or name in ("cls_token", "pos_embed") else decay).append(p)
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


def export(model, path, opset, style):
    model.eval()
    model.set_style(style)
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(model, dummy, path, opset_version=opset, do_constant_folding=True,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    model.set_style("timm")


def main():
    torch.manual_seed(0)
    torch.set_num_threads(2)
    x_train_u8, y_train = load_split("train")
    x_test_u8, y_test = load_split("t10k")
    x_train = preprocess(x_train_u8)
    x_test = preprocess(x_test_u8)

    # data files
    rng = np.random.default_rng(0)
    calib_idx = np.sort(rng.choice(len(x_train), size=64, replace=False))
    np.save(os.path.join(HERE, "fmnist_calib.npy"), np.ascontiguousarray(x_train[calib_idx]))
    np.save(os.path.join(HERE, "fmnist_test.npy"), np.ascontiguousarray(x_test[:1000]))
    np.save(os.path.join(HERE, "fmnist_test_labels.npy"), np.ascontiguousarray(y_test[:1000]))

    model = TinyViT()
    print(f"parameters: {sum(p.numel() for p in model.parameters())}")
    t0 = time.time()
    train(model, x_train, y_train)
    print(f"training wall time: {time.time() - t0:.0f}s")

    acc_full = accuracy(model, x_test, y_test)
    acc_1k = accuracy(model, x_test[:1000], y_test[:1000])
    model.set_style("hf")
    acc_1k_hf = accuracy(model, x_test[:1000], y_test[:1000])
    model.set_style("timm")
    print(f"torch FP32 accuracy: full 10k test {acc_full:.4f}, first 1000 {acc_1k:.4f} "
          f"(hf-style attention on 1000: {acc_1k_hf:.4f})")

    p13 = os.path.join(HERE, "vit_fmnist_op13.onnx")
    p17 = os.path.join(HERE, "vit_fmnist_op17.onnx")
    export(model, p13, 13, "timm")
    export(model, p17, 17, "hf")
    for p in (p13, p17):
        print(f"wrote {os.path.basename(p)} ({os.path.getsize(p)} bytes)")

    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime not importable; skipping ONNX accuracy check")
        return
    xs, ys = x_test[:1000], y_test[:1000]
    outs = []
    for p in (p13, p17):
        sess = ort.InferenceSession(p, providers=["CPUExecutionProvider"])
        logits = sess.run(["logits"], {"input": xs})[0]
        outs.append(logits)
        print(f"onnxruntime {os.path.basename(p)}: accuracy on first 1000 "
              f"{(logits.argmax(1) == ys).mean():.4f}")
    with torch.no_grad():
        ref = model.eval()(torch.from_numpy(xs)).numpy()
    print(f"max |logit diff| op13 vs op17: {np.abs(outs[0] - outs[1]).max():.3e}")
    print(f"max |logit diff| op13 vs torch: {np.abs(outs[0] - ref).max():.3e}")


if __name__ == "__main__":
    sys.exit(main())
