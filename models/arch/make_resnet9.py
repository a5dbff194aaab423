#!/usr/bin/env python3
"""Writes a ResNet-9-style CIFAR-10 network (Myrtle.ai's DAWNBench design, "How to train your ResNet",
at half width and with a residual block at every stage) as a gbp-model/2 architecture.

Each stage: conv 3x3 - BatchNorm - ReLU - max-pool 2x2, then a residual block of two conv-BN-ReLU
units added to the stage's output. Widths 32 (prep), 64, 128, 256; then global average pooling and a
linear layer. About 114 M multiply-adds per 32 x 32 image.

usage: make_resnet9.py > cifar10-resnet.json
"""
import json
import sys

nodes = []


def node(type_, name, inputs, **fields):
    nodes.append(dict(type=type_, name=name, inputs=inputs, **fields))
    return name


def conv_bn_relu(prefix, src, cin, cout):
    c = node("conv2d", prefix + "conv", [src], in_channels=cin, out_channels=cout, kernel_size=3, padding=1,
             bias=False)
    b = node("batchnorm2d", prefix + "bn", [c], num_features=cout)
    return node("relu", prefix + "relu", [b])


x = conv_bn_relu("prep.", "input", 3, 32)
cin = 32
for s, w in enumerate([64, 128, 256], start=1):
    p = "layer%d." % s
    x = conv_bn_relu(p, x, cin, w)
    x = node("maxpool2d", p + "pool", [x], kernel_size=2)
    h = conv_bn_relu(p + "res1.", x, w, w)
    h = conv_bn_relu(p + "res2.", h, w, w)
    x = node("add", p + "add", [x, h])
    cin = w
x = node("global_avgpool", "gap", [x])
node("linear", "fc", [x], in_features=cin, out_features=10)
json.dump({"format": "gbp-model/2", "input": [3, 32, 32],
           "classes": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
           "normalize": {"mean": [0.4914, 0.4822, 0.4465], "std": [0.247, 0.2435, 0.2616]},
           "nodes": nodes}, sys.stdout, indent=1)
print()
