#!/usr/bin/python3
"""Writes the mirror-averaging test fixtures: a small residual gbp-model/2 bundle with random weights (`plain`), and
what models/arch/mirror_average.py makes of it (`averaged`). The Java test checks the script's claim through gbp's
engine: averaged(x) = (plain(x) + plain(mirror(x))) / 2.

Run from the project root:  /usr/bin/python3 src/test/python/make_mirror_bundle.py
"""
import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
OUT = os.path.join(ROOT, "src", "test", "resources", "fixtures", "mirror-average")
rng = np.random.default_rng(20261130)
weights = {}
sys.path.insert(0, os.path.join(ROOT, "models", "arch"))
from graph import node, nodes  # noqa: E402 (the architecture generators' node helper)


def conv(name, inp, cin, cout, bias=False):
    weights[name + ".weight"] = rng.normal(0, (2 / (9 * cin)) ** 0.5, (cout, cin, 3, 3)).astype(np.float32)
    if bias:
        weights[name + ".bias"] = rng.normal(0, 0.1, cout).astype(np.float32)
    return node("conv2d", name, [inp], in_channels=cin, out_channels=cout, kernel_size=3, padding=1, bias=bias)


def bn(name, inp, c):
    weights[name + ".weight"] = rng.uniform(0.5, 1.5, c).astype(np.float32)
    weights[name + ".bias"] = rng.normal(0, 0.2, c).astype(np.float32)
    weights[name + ".running_mean"] = rng.normal(0, 0.2, c).astype(np.float32)
    weights[name + ".running_var"] = rng.uniform(0.5, 2, c).astype(np.float32)
    return node("batchnorm2d", name, [inp], num_features=c)


x = node("relu", "conv1_relu", [bn("bn1", conv("conv1", "input", 3, 16), 16)])
y = node("relu", "conv2_relu", [bn("bn2", conv("conv2", x, 16, 16), 16)])
x = node("maxpool2d", "pool1", [node("add", "add1", [x, y])], kernel_size=2)
y = node("relu", "conv3_relu", [conv("conv3", x, 16, 16, bias=True)])
x = node("global_avgpool", "gap", [node("add", "add2", [x, y])])
weights["fc.weight"] = rng.normal(0, 0.3, (5, 16)).astype(np.float32)
weights["fc.bias"] = rng.normal(0, 0.1, 5).astype(np.float32)
node("linear", "fc", [x], in_features=16, out_features=5)

plain = os.path.join(OUT, "plain")
os.makedirs(plain, exist_ok=True)
with open(os.path.join(plain, "model.json"), "w") as f:
    json.dump({"format": "gbp-model/2", "input": [3, 8, 8], "classes": ["a", "b", "c", "d", "e"],
               "normalize": {"mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25]}, "nodes": nodes}, f, indent=1)
    f.write("\n")
np.savez(os.path.join(plain, "weights.npz"), **weights)
subprocess.run([sys.executable, os.path.join(ROOT, "models", "arch", "mirror_average.py"), plain,
                os.path.join(OUT, "averaged")], check=True)
