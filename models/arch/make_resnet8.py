#!/usr/bin/env python3
"""Writes a wide residual network for CIFAR-10 after Keller Jordan's airbench layout, as a gbp-model/2 architecture:
a small stem conv, then three groups that each run a conv, max-pool 2 x 2 and BatchNorm-ReLU, and a second conv
whose BatchNorm output is added to the group's first activation (three add nodes). Most of the width sits at low
resolution, which is where two CPU cores spend their time best.

    conv1 3->32 3x3, no padding @32 -> 30
    group 1: conv2 32->64 @30, pool -> 15 | conv3 64->64 @15, add
    group 2: conv4 64->256 @15, pool -> 7 | conv5 256->256 @7, add
    group 3: conv6 256->256 @7, pool -> 3 | conv7 256->256 @3, add
    global average pooling, linear 256->10

Convs have no bias; every conv is followed by BatchNorm. The ReLU after group 1's add is conv3_relu, the node the
other shipped networks also name. (A 24-channel stem, as in airbench, gives NaN gradients in libtorch 2.7.1 on this
machine's CPU; 32 channels train.)

usage: make_resnet8.py > cifar10-resnet8.json
"""
from graph import node, write


def conv(k, src, cin, cout, padding=1):
    return node("conv2d", "conv%d" % k, [src], in_channels=cin, out_channels=cout, kernel_size=3, padding=padding,
                bias=False)


x = node("relu", "conv1_relu", [node("batchnorm2d", "bn1", [conv(1, "input", 3, 32, padding=0)], num_features=32)])
cin = 32
k = 2
for g, w in enumerate([64, 256, 256], start=1):
    p = node("maxpool2d", "pool%d" % g, [conv(k, x, cin, w)], kernel_size=2)
    a = node("relu", "conv%d_relu" % k, [node("batchnorm2d", "bn%d" % k, [p], num_features=w)])
    b = node("batchnorm2d", "bn%d" % (k + 1), [conv(k + 1, a, w, w)], num_features=w)
    x = node("relu", "conv%d_relu" % (k + 1), [node("add", "add%d" % g, [b, a])])
    k += 2
    cin = w
x = node("global_avgpool", "gap", [x])
node("linear", "fc", [x], in_features=cin, out_features=10)
write()
