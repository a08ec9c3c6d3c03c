#!/usr/bin/env python3
"""The peer of bench/gpt_bench.cpp: chapter 16's GPT training step in PyTorch.

The model is the one that made chapter 16's PyTorch fixture (tests/fixtures/ch16_pytorch/
make_fixture.py, imported from there), in float32: token and position embeddings, pre-norm
blocks (layer norm, causal multi-head attention with one c_attn projection, exact erf GELU in a
4d MLP), a final layer norm and a head tied to the token embedding; GPT-2's initialization
(weights N(0, 0.02), the projections into the residual stream N(0, 0.02 / sqrt(2L)), biases 0,
norm gains 1). The step, as GptTrainer::step: forward, cross-entropy, backward, global-norm
clipping at 1.0, AdamW (betas 0.9 and 0.95, weight decay 0.1 on the matrices only, at the
chapter's first warm-up rate). Synthetic uniform token ids from a fixed seed, --threads threads
(OpenBLAS's too). Prints one JSON line: median, min and max wall-clock seconds per step over
the timed steps after one warm-up step, and the median CPU seconds (process time). Uses
Debian's python3-torch; the course does not need it to build or test.
"""
import argparse
import importlib.util
import json
import math
import os
import statistics
import time

from torch_setup import load_torch

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                       "ch16_pytorch", "make_fixture.py")


def gpt2_weights(torch, V, D, L, n_ctx):
    """GPT-2's names, layouts (Conv1D weights n_in x n_out) and initialization, float32."""
    def param(t):
        return t.requires_grad_()

    std_proj = 0.02 / math.sqrt(2 * L)
    P = {"wte.weight": param(0.02 * torch.randn(V, D)),
         "wpe.weight": param(0.02 * torch.randn(n_ctx, D))}
    for l in range(L):
        h = f"h.{l}."
        for name, n_in, n_out, std in (("attn.c_attn", D, 3 * D, 0.02),
                                       ("attn.c_proj", D, D, std_proj),
                                       ("mlp.c_fc", D, 4 * D, 0.02),
                                       ("mlp.c_proj", 4 * D, D, std_proj)):
            P[h + name + ".weight"] = param(std * torch.randn(n_in, n_out))
            P[h + name + ".bias"] = param(torch.zeros(n_out))
        for norm in ("ln_1", "ln_2"):
            P[h + norm + ".weight"], P[h + norm + ".bias"] = param(torch.ones(D)), param(torch.zeros(D))
    P["ln_f.weight"], P["ln_f.bias"] = param(torch.ones(D)), param(torch.zeros(D))
    return P


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vocab", type=int, default=5061)
    p.add_argument("--d-model", type=int, default=64)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--context", type=int, default=128)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    torch = load_torch("bench/pytorch_gpt.py", a.threads, a.seed)
    spec = importlib.util.spec_from_file_location("make_fixture", FIXTURE)
    gpt = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gpt)  # its forward() and adamw(); it writes nothing on import

    V, L, B, T = a.vocab, a.layers, a.batch_size, a.context
    P = gpt2_weights(torch, V, a.d_model, L, T)
    # The rate of the chapter's first step (eta 0.006 warmed up over 200 steps).
    opt = gpt.adamw(P, 0.006 / 200, (0.9, 0.95), 1e-8, 0.1)
    params = list(P.values())
    batches = [torch.randint(0, V, (B, T + 1)) for _ in range(8)]

    def step(i):
        xy = batches[i % len(batches)]
        opt.zero_grad(set_to_none=True)
        logits = gpt.forward(P, xy[:, :-1], L, a.heads)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), xy[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    step(0)  # the warm-up
    times, cpu = [], []
    for i in range(1, a.steps + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        step(i)
        cpu.append(time.process_time() - c0)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"median": statistics.median(times), "min": min(times), "max": max(times),
                      "cpu_median": statistics.median(cpu),
                      "steps": a.steps, "tokens_per_step": B * T, "threads": a.threads,
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
