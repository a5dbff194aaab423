#!/usr/bin/env python3
"""Writes a CIFAR-10 ResNet (He et al. 2016, basic blocks, projection shortcuts) as a gbp-model/2 architecture.

usage: make_resnet.py WIDTHS BLOCKS_PER_STAGE > arch.json     e.g. make_resnet.py 32,64,128 2
"""
import sys

from graph import node, write

widths = [int(w) for w in sys.argv[1].split(",")]
blocks = int(sys.argv[2])


def conv_bn(name, src, cin, cout, k, stride):
    c = node("conv2d", name, [src], in_channels=cin, out_channels=cout, kernel_size=k, stride=stride,
             padding=k // 2, bias=False)
    return node("batchnorm2d", name.replace("conv", "bn"), [c], num_features=cout)


x = conv_bn("conv1", "input", 3, widths[0], 3, 1)
x = node("relu", "conv1_relu", [x])
cin = widths[0]
for s, w in enumerate(widths, start=1):
    for b in range(1, blocks + 1):
        stride = 2 if s > 1 and b == 1 else 1
        p = "layer%d.%d." % (s, b)
        h = conv_bn(p + "conv1", x, cin, w, 3, stride)
        h = node("relu", p + "relu1", [h])
        h = conv_bn(p + "conv2", h, w, w, 3, 1)
        short = x if stride == 1 and cin == w else conv_bn(p + "shortcut.conv", x, cin, w, 1, stride)
        x = node("add", p + "add", [h, short])
        x = node("relu", p + "relu2", [x])
        cin = w
x = node("global_avgpool", "gap", [x])
node("linear", "fc", [x], in_features=cin, out_features=10)
write()
