#!/usr/bin/env python3
"""Writes the eight-conv CIFAR-10 network of models/cifar10-cnn with an identity shortcut around the second
conv of each pair, as a gbp-model/2 architecture: four residual adds and no extra convolutions.

Each stage: conv a (w_in -> w) - BN - ReLU, then conv b (w -> w) - BN, added to conv a's ReLU output, then
ReLU; a 2 x 2 max-pool after every stage but the last. Widths 32, 64, 128, 256; global average pooling and
one linear layer. The ReLU after the third conv is named conv3_relu, the seed experiment's layer.

usage: make_vgg_residual.py > cifar10-vgg-residual.json
"""
from graph import node, write


def conv_bn(k, src, cin, cout):
    c = node("conv2d", "conv%d" % k, [src], in_channels=cin, out_channels=cout, kernel_size=3, padding=1, bias=False)
    return node("batchnorm2d", "bn%d" % k, [c], num_features=cout)


x = "input"
cin = 3
k = 1
for s, w in enumerate([32, 64, 128, 256], start=1):
    a = node("relu", "conv%d_relu" % k, [conv_bn(k, x, cin, w)])
    k += 1
    b = conv_bn(k, a, w, w)
    x = node("relu", "conv%d_relu" % k, [node("add", "add%d" % s, [b, a])])
    k += 1
    if s < 4:
        x = node("maxpool2d", "pool%d" % s, [x], kernel_size=2)
    cin = w
x = node("global_avgpool", "gap", [x])
node("linear", "fc", [x], in_features=cin, out_features=10)
write()
