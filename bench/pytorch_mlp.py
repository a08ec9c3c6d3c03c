#!/usr/bin/env python3
"""The peer of bench/mlp_bench.cpp: the identical workload in PyTorch.

MNIST 784-100-10, ReLU, softmax + cross-entropy (nn.CrossEntropyLoss), plain SGD (lr 0.1),
float32, --threads threads (OpenBLAS's too), one epoch over the 60,000 training images per
measurement with per-epoch shuffling by index slicing on pre-made tensors (no DataLoader). Prints one JSON line: median/min/max seconds
per epoch after one warm-up epoch, and the test accuracy. Uses Debian's python3-torch.
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
from torch_setup import load_torch


def read_idx(path, magic):
    with open(path, "rb") as f:
        data = f.read()
    assert int.from_bytes(data[0:4], "big") == magic, f"{path}: wrong magic"
    n_dims = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(n_dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * n_dims).reshape(dims)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--data", default="datasets/mnist")
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    torch = load_torch("bench/pytorch_mlp.py", a.threads, a.seed)
    from torch import nn
    X = torch.from_numpy(read_idx(os.path.join(a.data, "train-images-idx3-ubyte"), 2051)
                         .reshape(-1, 784).astype(np.float32) / 255.0)
    y = torch.from_numpy(read_idx(os.path.join(a.data, "train-labels-idx1-ubyte"), 2049)
                         .astype(np.int64))
    Xt = torch.from_numpy(read_idx(os.path.join(a.data, "t10k-images-idx3-ubyte"), 2051)
                          .reshape(-1, 784).astype(np.float32) / 255.0)
    yt = torch.from_numpy(read_idx(os.path.join(a.data, "t10k-labels-idx1-ubyte"), 2049)
                          .astype(np.int64))
    model = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    n = X.shape[0]
    times = []
    for epoch in range(a.epochs + 1):
        t0 = time.perf_counter()
        order = torch.randperm(n)
        for first in range(0, n, a.batch):
            idx = order[first:first + a.batch]
            xb, yb = X[idx], y[idx]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        if epoch > 0:  # epoch 0 is the warm-up
            times.append(time.perf_counter() - t0)
    with torch.no_grad():
        acc = (model(Xt).argmax(1) == yt).float().mean().item()
    print(json.dumps({"batch": a.batch, "threads": a.threads, "median": statistics.median(times),
                      "min": min(times), "max": max(times), "test_accuracy": acc,
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
