#!/usr/bin/python3
"""Export torchvision's ResNet-18 (random weights, seed 0, eval mode) to ONNX for docs/bench/resnet18.sh.

Usage: /usr/bin/python3 docs/bench/export_resnet18.py [OUT.onnx]   (default /tmp/resnet18.onnx, about 45 MB)
Input "input" 1 x 3 x 224 x 224 with a dynamic batch axis, output "logits" N x 1000, opset 13.
"""
import sys

import torch
import torchvision

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/resnet18.onnx"
torch.manual_seed(0)
model = torchvision.models.resnet18(weights=None).eval()
torch.onnx.export(model, torch.randn(1, 3, 224, 224), out, opset_version=13,
                  input_names=["input"], output_names=["logits"],
                  dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
print(f"wrote {out} (torch {torch.__version__}, torchvision {torchvision.__version__})")
