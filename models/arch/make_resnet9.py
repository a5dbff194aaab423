#!/usr/bin/env python3
"""Writes a half-width ResNet-9 for CIFAR-10 (after David Page's "How to train your ResNet") as a gbp-model/2
architecture: a prep conv, then three stages that each widen with a conv, max-pool 2 x 2, and add a residual block
of two convs; global average pooling and one linear layer.

    conv1 3->32 @32 | conv2 32->64 @32, pool -> 16 | res(conv3, conv4) 64 @16
    conv5 64->128 @16, pool -> 8 | res(conv6, conv7) 128 @8 | conv8 128->256 @8, pool -> 4 | res(conv9, conv10) 256 @4

Every conv is conv 3x3 (no bias) - BatchNorm - ReLU; a residual block adds its input to its second ReLU's output
(three add nodes). The ReLU after the third conv is conv3_relu, as in the other shipped networks.

usage: make_resnet9.py > cifar10-resnet9.json
"""
from graph import node, write


def conv(k, src, cin, cout):
    c = node("conv2d", "conv%d" % k, [src], in_channels=cin, out_channels=cout, kernel_size=3, padding=1, bias=False)
    b = node("batchnorm2d", "bn%d" % k, [c], num_features=cout)
    return node("relu", "conv%d_relu" % k, [b])


x = conv(1, "input", 3, 32)
k = 2
cin = 32
for s, w in enumerate([64, 128, 256], start=1):
    x = conv(k, x, cin, w)
    x = node("maxpool2d", "pool%d" % s, [x], kernel_size=2)
    a = conv(k + 1, x, w, w)
    b = conv(k + 2, a, w, w)
    x = node("add", "add%d" % s, [x, b])
    k += 3
    cin = w
x = node("global_avgpool", "gap", [x])
node("linear", "fc", [x], in_features=cin, out_features=10)
write()
