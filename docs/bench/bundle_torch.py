#!/usr/bin/python3
"""Guided backpropagation in PyTorch on a gbp bundle, for side-by-side figures with `gbp bench` (docs/BENCHMARKS.md).

Usage: /usr/bin/python3 docs/bench/bundle_torch.py MODEL_DIR CIFAR_DIR [--target max-neuron:conv3_relu|predicted]
       [--batch 100] [--threads 2] [--runs 10] [--warm-up 5] [--channels-last] [--json]
The bundle's model.json (conv2d, batchnorm2d, relu, maxpool2d, global_avgpool, linear, and for graph bundles add: the
shipped cifar10-seed, cifar10-cnn and cifar10-resnet) is rebuilt as a torch module in eval mode with the weights of its weights.npz. The
first --batch images of test_batch.bin are normalised with the bundle's mean and std. The common recipe: a full
backward hook on every ReLU clamps the incoming gradient at 0. A run is one forward pass (to the target layer for a
neuron target; the whole network for `predicted`) and one backward pass seeded at each image's largest activation
of the layer (or its largest logit). Untimed runs for --warm-up seconds (as `gbp bench --warm-up`), then the median
of --runs timed runs. --channels-last lays the weights and the batch out channels-last in memory (PyTorch's
`memory_format=torch.channels_last`), as gbp does since 2026-12-01; not part of the common recipe.
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch

p = argparse.ArgumentParser()
p.add_argument("model")
p.add_argument("cifar")
p.add_argument("--target", default="max-neuron:conv3_relu")
p.add_argument("--batch", type=int, default=100)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--runs", type=int, default=10)
p.add_argument("--warm-up", type=float, default=5.0, help="untimed runs first, at least one and for this many seconds")
p.add_argument("--channels-last", action="store_true", help="weights and batch in torch.channels_last memory format")
p.add_argument("--json", action="store_true")
a = p.parse_args()
torch.set_num_threads(a.threads)

spec = json.load(open(a.model + "/model.json"))
weights = np.load(a.model + "/weights.npz")


def module(l):
    t = l["type"]
    if t == "conv2d":
        m = torch.nn.Conv2d(l["in_channels"], l["out_channels"], l["kernel_size"], l.get("stride", 1), l.get("padding", 0),
                            bias=l.get("bias", True))
    elif t == "batchnorm2d":
        m = torch.nn.BatchNorm2d(l["num_features"], eps=l.get("eps", 1e-5))
    elif t == "relu":
        m = torch.nn.ReLU()
        m.register_full_backward_hook(lambda mod, gin, gout: (torch.clamp(gin[0], min=0),))
    elif t == "maxpool2d":
        m = torch.nn.MaxPool2d(l["kernel_size"], l.get("stride"), l.get("padding", 0))
    elif t == "global_avgpool":
        m = torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten())
    elif t == "linear":
        m = torch.nn.Linear(l["in_features"], l["out_features"], bias=l.get("bias", True))
    elif t == "add":
        return None
    else:
        raise SystemExit("unsupported layer type " + t)
    if "name" in l and not isinstance(m, torch.nn.ReLU):
        state = {k[len(l["name"]) + 1:]: torch.from_numpy(weights[k]) for k in weights.files if k.startswith(l["name"] + ".")}
        m.load_state_dict(state, strict=False)
    return m


class Graph(torch.nn.Module):
    """A graph bundle's nodes (each names its inputs; "input" is the image), evaluated in file order up to the
    target node. Only the target's ancestors are evaluated."""

    def __init__(self, nodes, target):
        super().__init__()
        by_name = {n["name"]: n for n in nodes}
        need, todo = set(), [target]
        while todo:
            n = todo.pop()
            if n != "input" and n not in need:
                need.add(n)
                todo.extend(by_name[n]["inputs"])
        self.nodes = [n for n in nodes if n["name"] in need]
        self.mods = torch.nn.ModuleDict({str(i): m for i, n in enumerate(self.nodes) if (m := module(n)) is not None})
        self.target = target

    def forward(self, x):
        values = {"input": x}
        for i, n in enumerate(self.nodes):
            ins = [values[k] for k in n["inputs"]]
            values[n["name"]] = ins[0] + ins[1] if n["type"] == "add" else self.mods[str(i)](ins[0])
        return values[self.target]


if "nodes" in spec:
    target = spec["nodes"][-1]["name"] if a.target == "predicted" else a.target.split(":", 1)[1]
    model = Graph(spec["nodes"], target).eval()
else:
    layers = [module(l) for l in spec["layers"]]
    names = [l.get("name") for l in spec["layers"]]
    last = len(layers) - 1 if a.target == "predicted" else names.index(a.target.split(":", 1)[1])
    model = torch.nn.Sequential(*layers[:last + 1]).eval()
for q in model.parameters():
    q.requires_grad_(False)

raw = np.fromfile(a.cifar + "/test_batch.bin", dtype=np.uint8)[: a.batch * 3073].reshape(a.batch, 3073)
x = raw[:, 1:].reshape(a.batch, 3, 32, 32).astype(np.float32) / 255
mean = np.array(spec["normalize"]["mean"], np.float32).reshape(1, 3, 1, 1)
std = np.array(spec["normalize"]["std"], np.float32).reshape(1, 3, 1, 1)
x = torch.from_numpy((x - mean) / std)
if a.channels_last:
    model = model.to(memory_format=torch.channels_last)
    x = x.contiguous(memory_format=torch.channels_last)


def run():
    inp = x.clone().requires_grad_(True)
    out = model(inp).reshape(a.batch, -1)
    idx = out.argmax(1)
    seed = torch.zeros_like(out)
    seed[torch.arange(a.batch), idx] = 1
    out.backward(seed)
    return inp.grad


start = time.perf_counter()
warm = 0
while warm < 1 or time.perf_counter() - start < a.warm_up:
    run()
    warm += 1
times = []
for _ in range(a.runs):
    t0 = time.perf_counter()
    run()
    times.append(time.perf_counter() - t0)
med = statistics.median(times)
r = {"torch": torch.__version__, "model": a.model, "target": a.target, "batch": a.batch, "threads": a.threads,
     "runs": a.runs, "warm_up_runs": warm, "channels_last": a.channels_last, "median_ms": med * 1000, "images_per_second": a.batch / med}
print(json.dumps(r) if a.json else "%s %s: %.1f ms/batch, %.0f images/s (torch %s, %d threads)"
      % (a.model, a.target, med * 1000, a.batch / med, torch.__version__, a.threads))
