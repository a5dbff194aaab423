#!/usr/bin/env python3
"""Writes the numpy-made test fixture: a gbp-model/1 bundle and the logits numpy computes for it.

The forward pass below is an independent reference written with numpy only (no deep-learning
framework): the Java tests load the bundle through DJL and must reproduce these logits and classes.
Two arrays are stored in unusual layouts on purpose: one Fortran-ordered, one big-endian.

Run from the project root:  python3 src/test/python/make_numpy_bundle.py
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "numpy-bundle")
rng = np.random.default_rng(20261126)

layers = [
    {"type": "conv2d", "name": "conv1", "in_channels": 3, "out_channels": 4, "kernel_size": 3, "padding": 1},
    {"type": "batchnorm2d", "name": "bn1", "num_features": 4, "eps": 1e-3},
    {"type": "relu", "name": "relu1"},
    {"type": "maxpool2d", "kernel_size": 3, "stride": 2, "padding": 1},
    {"type": "conv2d", "name": "conv2", "in_channels": 4, "out_channels": 6, "kernel_size": [3, 2],
     "stride": [1, 2], "padding": [1, 0], "bias": False},
    {"type": "relu"},
    {"type": "avgpool2d", "kernel_size": 2},
    {"type": "flatten"},
    {"type": "linear", "name": "fc1", "in_features": 12, "out_features": 5},
    {"type": "batchnorm1d", "name": "bn2", "num_features": 5},
    {"type": "relu", "name": "relu3"},
    {"type": "dropout", "p": 0.3},
    {"type": "linear", "name": "fc2", "in_features": 5, "out_features": 3},
]
spec = {"format": "gbp-model/1", "input": [3, 8, 8], "classes": ["alpha", "beta", "gamma"],
        "normalize": {"mean": [0.5, 0.4, 0.3], "std": [0.25, 0.2, 0.3]}, "layers": layers}

f32 = lambda a: np.asarray(a, dtype=np.float32)
w = {
    "conv1.weight": f32(rng.normal(0, 0.5, (4, 3, 3, 3))),
    "conv1.bias": f32(rng.normal(0, 0.1, 4)),
    "bn1.weight": f32(rng.uniform(0.5, 1.5, 4)),
    "bn1.bias": f32(rng.normal(0, 0.1, 4)),
    "bn1.running_mean": f32(rng.normal(0, 0.2, 4)),
    "bn1.running_var": f32(rng.uniform(0.5, 2.0, 4)),
    "conv2.weight": f32(rng.normal(0, 0.4, (6, 4, 3, 2))),
    "fc1.weight": f32(rng.normal(0, 0.4, (5, 12))),
    "fc1.bias": f32(rng.normal(0, 0.1, 5)),
    "bn2.weight": f32(rng.uniform(0.5, 1.5, 5)),
    "bn2.bias": f32(rng.normal(0, 0.1, 5)),
    "bn2.running_mean": f32(rng.normal(0, 0.2, 5)),
    "bn2.running_var": f32(rng.uniform(0.5, 2.0, 5)),
    "fc2.weight": f32(rng.normal(0, 0.5, (3, 5))),
    "fc2.bias": f32(rng.normal(0, 0.1, 3) + np.array([-3.3, 2.5, 0.7])),  # so that all classes occur
}


def conv2d(x, wt, b, stride, pad):
    n, c, h, wd = x.shape
    o, _, kh, kw = wt.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    ho = (h + 2 * pad[0] - kh) // stride[0] + 1
    wo = (wd + 2 * pad[1] - kw) // stride[1] + 1
    out = np.zeros((n, o, ho, wo), dtype=np.float64)
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, :, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw]
            out[:, :, i, j] = np.einsum("nckl,ockl->no", patch, wt)
    if b is not None:
        out += b[None, :, None, None]
    return out


def maxpool(x, k, s, p):
    n, c, h, wd = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=-np.inf)
    ho, wo = (h + 2 * p - k) // s + 1, (wd + 2 * p - k) // s + 1
    out = np.zeros((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = xp[:, :, i * s:i * s + k, j * s:j * s + k].max(axis=(2, 3))
    return out


def avgpool(x, k):
    n, c, h, wd = x.shape
    ho, wo = h // k, wd // k
    return x[:, :, :ho * k, :wo * k].reshape(n, c, ho, k, wo, k).mean(axis=(3, 5))


def bn(x, name, eps):
    shape = (1, -1, 1, 1) if x.ndim == 4 else (1, -1)
    g, b = w[name + ".weight"].astype(np.float64), w[name + ".bias"].astype(np.float64)
    m, v = w[name + ".running_mean"].astype(np.float64), w[name + ".running_var"].astype(np.float64)
    return (x - m.reshape(shape)) / np.sqrt(v.reshape(shape) + eps) * g.reshape(shape) + b.reshape(shape)


def forward(x):
    d = lambda k: w[k].astype(np.float64)
    x = conv2d(x, d("conv1.weight"), d("conv1.bias"), (1, 1), (1, 1))
    x = np.maximum(bn(x, "bn1", 1e-3), 0)
    x = maxpool(x, 3, 2, 1)
    x = np.maximum(conv2d(x, d("conv2.weight"), None, (1, 2), (1, 0)), 0)
    x = avgpool(x, 2).reshape(x.shape[0], -1)
    x = x @ d("fc1.weight").T + d("fc1.bias")
    x = np.maximum(bn(x, "bn2", 1e-5), 0)
    return x @ d("fc2.weight").T + d("fc2.bias")


pixels = rng.integers(0, 256, size=(6, 3, 8, 8)).astype(np.uint8)
mean = np.array(spec["normalize"]["mean"]).reshape(1, 3, 1, 1)
std = np.array(spec["normalize"]["std"]).reshape(1, 3, 1, 1)
x = ((pixels.astype(np.float32) / np.float32(255) - mean.astype(np.float32)) / std.astype(np.float32)).astype(np.float32)
logits = forward(x.astype(np.float64))

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "model.json"), "w") as fh:
    json.dump(spec, fh, indent=1)
stored = dict(w)
stored["conv1.weight"] = np.asfortranarray(w["conv1.weight"])   # fortran_order: True
stored["conv2.weight"] = w["conv2.weight"].astype(">f4")        # big-endian float32
np.savez(os.path.join(OUT, "weights.npz"), **stored)
np.savez(os.path.join(OUT, "..", "numpy-bundle-expected.npz"), input=x, pixels=pixels.astype(np.float32),
         logits=logits.astype(np.float32), classes=logits.argmax(axis=1).astype(np.float32))
print("logits", logits)
