#!/usr/bin/python3
"""Turns a trained gbp-model/2 classifier f into one whose logits are (f(x) + f(mirror(x))) / 2: test-time flip
averaging, written as an ordinary graph of the same node kinds.

Usage: /usr/bin/python3 models/arch/mirror_average.py TRAINED_DIR OUT_DIR

No flip node is needed. Every node of the networks this accepts commutes with the horizontal mirror once its
kernels are mirrored: a stride-1 convolution whose left and right padding are equal, BatchNorm, ReLU, `add`, and
k x k pooling with stride k over maps whose width k divides. So f(mirror(x)) = f'(x), where f' is f with every
convolution kernel mirrored left to right, and global pooling and the last linear layer see the same features. The
output bundle holds f's nodes unchanged, then a second tower of the same nodes named `mirror/<name>` with mirrored
kernels, both reading the input; each tower's last linear layer is scaled by 1/2 and an `add` node `logits` sums them.
The first tower keeps f's node names, so a target such as `max-neuron:conv3_relu` means what it meant in f. The
mirrored tower's feature maps line up with the image (they are f's maps of the mirror image, mirrored back).

It refuses (exit 2, naming the node) any node kind or setting for which the identity above would not hold. The
trained bundle's training.json is copied with a `mirror_average` entry saying what was done. numpy only.
"""
import json
import os
import sys

import numpy as np


def fail(msg):
    print("mirror_average.py: " + msg, file=sys.stderr)
    sys.exit(2)


def pair(v):
    return list(v) * (2 // len(v)) if isinstance(v, list) else [v, v]


def padding(v):
    """[top, left, bottom, right], from a number, [p], [h, w] or the four (as gbp-model/2 reads them)."""
    v = v if isinstance(v, list) else [v]
    return v * 4 if len(v) == 1 else v * 2 if len(v) == 2 else v


if len(sys.argv) != 3:
    fail("usage: mirror_average.py TRAINED_DIR OUT_DIR")
src, out = sys.argv[1], sys.argv[2]
spec = json.load(open(os.path.join(src, "model.json")))
if spec.get("format") != "gbp-model/2":
    fail(src + "/model.json is not a gbp-model/2 graph")
weights = dict(np.load(os.path.join(src, "weights.npz")))
nodes = spec["nodes"]
width = {"input": spec["input"][2]}
for n in nodes:
    t, name, w = n["type"], n["name"], width.get(n["inputs"][0])
    where = "node " + name + " (" + t + ")"
    if t == "conv2d":
        k, s, d = pair(n["kernel_size"]), pair(n.get("stride", 1)), pair(n.get("dilation", 1))
        p = padding(n.get("padding", 0))
        if s != [1, 1] or n.get("groups", 1) != 1 or p[1] != p[3]:
            fail(where + ": only stride-1, ungrouped convolutions with equal left and right padding commute with the mirror")
        w = w + p[1] + p[3] - d[1] * (k[1] - 1)
    elif t in ("maxpool2d", "avgpool2d"):
        k = pair(n["kernel_size"])
        s = pair(n.get("stride") or n["kernel_size"])
        if s != k or any(padding(n.get("padding", 0))) or w % k[1] != 0:
            fail(where + ": only k x k pooling with stride k over a width k divides commutes with the mirror")
        w = w // k[1]
    elif t in ("add",):
        if len({width[i] for i in n["inputs"]}) != 1:
            fail(where + ": inputs of different widths")
    elif t in ("global_avgpool",):
        w = 1
    elif t not in ("batchnorm2d", "relu", "linear", "identity"):
        fail(where + ": kind not supported here (conv2d, batchnorm2d, relu, maxpool2d, avgpool2d, add, "
             "global_avgpool, identity, linear)")
    width[name] = w
last = nodes[-1]
if last["type"] != "linear" or any(n["type"] == "linear" for n in nodes[:-1]):
    fail("the network must end in its only linear layer")

mirror = []
for n in nodes:
    m = dict(n, name="mirror/" + n["name"], inputs=["input" if i == "input" else "mirror/" + i for i in n["inputs"]])
    mirror.append(m)
    for key in [k for k in weights if k.startswith(n["name"] + ".")]:
        a = weights[key]
        weights["mirror/" + key] = a[..., ::-1].copy() if n["type"] == "conv2d" and key.endswith(".weight") else a
for prefix in ("", "mirror/"):
    for p in ("weight", "bias"):
        key = prefix + last["name"] + "." + p
        if key in weights:
            weights[key] = (weights[key] * np.float32(0.5)).astype(np.float32)
spec["nodes"] = nodes + mirror + [{"type": "add", "name": "logits", "inputs": [last["name"], "mirror/" + last["name"]]}]

os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "model.json"), "w") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
np.savez(os.path.join(out, "weights.npz"), **weights)
tj = os.path.join(src, "training.json")
if os.path.exists(tj):
    t = json.load(open(tj))
    t["mirror_average"] = {
        "command": "/usr/bin/python3 models/arch/mirror_average.py " + src + " " + out,
        "what": "the trained network f became (f(x) + f(mirror(x))) / 2: a second tower of the same nodes with every "
                "conv kernel mirrored left to right (mirror/<name>), both towers' last linear layer halved, and an add "
                "node 'logits'; no weight was trained further"}
    with open(os.path.join(out, "training.json"), "w") as f:
        json.dump(t, f, indent=2)
        f.write("\n")
