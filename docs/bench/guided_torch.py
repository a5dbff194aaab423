#!/usr/bin/python3
"""Guided backpropagation of the top logit in PyTorch, for comparison with `gbp bench` (docs/BENCHMARKS.md).

Usage: /usr/bin/python3 docs/bench/guided_torch.py [--batch 100] [--threads 2] [--runs 3] [--json]
torchvision's ResNet-18 (random weights, seed 0, eval mode; the network docs/bench/export_resnet18.py exports),
a batch of uniform random pixels at 224 x 224, normalised with ImageNet's mean and std. A full backward hook on
every ReLU applies guided backprop's rule, grad_in = clamp(grad_in, min=0) (the ReLU's own backward has already
zeroed it where the forward input was not positive). Each run is one forward and one backward pass of the batch,
seeded with 1 at each image's largest logit; one warm-up run, then the median of --runs timed runs.
"""
import argparse
import json
import statistics
import time

import torch
import torchvision

p = argparse.ArgumentParser()
p.add_argument("--batch", type=int, default=100)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--runs", type=int, default=3)
p.add_argument("--json", action="store_true")
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(0)
model = torchvision.models.resnet18(weights=None).eval()
for m in model.modules():
    if isinstance(m, torch.nn.ReLU):
        m.inplace = False  # full backward hooks refuse in-place outputs
        m.register_full_backward_hook(lambda mod, gin, gout: (torch.clamp(gin[0], min=0),))
for q in model.parameters():
    q.requires_grad_(False)

mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
pixels = torch.rand(a.batch, 3, 224, 224, generator=torch.Generator().manual_seed(1))
x0 = (pixels - mean) / std


def guided():
    x = x0.clone().requires_grad_(True)
    logits = model(x)
    top = logits.argmax(dim=1, keepdim=True)
    logits.gather(1, top).sum().backward()
    return x.grad


guided()  # warm-up
ms = []
for _ in range(a.runs):
    t = time.perf_counter()
    g = guided()
    ms.append((time.perf_counter() - t) * 1000)
med = statistics.median(ms)
res = {"torch": torch.__version__, "threads": a.threads, "batch": a.batch, "runs_ms": ms, "median_ms": med,
       "images_per_second": a.batch / med * 1000, "per_run_images_per_second": [a.batch / m * 1000 for m in ms]}
print(json.dumps(res) if a.json else
      f"PyTorch {torch.__version__} guided backprop, ResNet-18 224 px, batch {a.batch}, {a.threads} threads: "
      f"median {med:.0f} ms per batch, {res['images_per_second']:.1f} images/s (runs: "
      + ", ".join(f"{m:.0f}" for m in ms) + " ms)")
