#!/usr/bin/python3
"""Cross-checks gbp against PyTorch on torchvision architectures that no test covers.

For each architecture: random weights (seed 0) with non-trivial BatchNorm statistics, exported to ONNX (opset 13,
dynamic batch), imported with `gbp import`, then on two random 224 x 224 PNG pictures:
  - `gbp predict --json` logits against PyTorch's;
  - `gbp explain --method gradient --target predicted` maps against torch.autograd's input gradient;
  - `gbp explain --method guided --target predicted` maps against PyTorch with every ReLU (and ReLU6) replaced by a
    guided one (an autograd Function: gradient passed where it is positive and the forward input was positive).
Each figure is the relative L2 error ||gbp - torch|| / ||torch|| of the two images' arrays together; beside the
gradient's, the same distance between PyTorch's float32 and float64 gradients, how far rounding alone moves this
network's gradient (a max-pool whose window holds two nearly equal values sends the gradient to either). Architectures
with operators gbp does not support are expected to be refused at import (exit 2, naming the node); the script
says so.

Usage: /usr/bin/python3 docs/bench/check_torchvision.py [--gbp ./gbp] [--threads 2] [ARCH ...]
Needs Debian's python3-torch, python3-torchvision, python3-onnx and python3-pil. Never run by the tests or CI.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torchvision
from PIL import Image

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
DEFAULT = ["resnet18", "resnet50", "densenet121", "vgg11_bn", "alexnet", "googlenet", "squeezenet1_0", "mobilenet_v2",
           "mnasnet0_5", "regnet_x_400mf", "shufflenet_v2_x0_5", "efficientnet_b0"]


def build(name):
    torch.manual_seed(0)
    kwargs = {"weights": None}
    if name == "googlenet":
        kwargs.update(aux_logits=False, init_weights=True)
    model = getattr(torchvision.models, name)(**kwargs).eval()
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.rand(n, generator=g) * 0.2 - 0.1)
            m.running_var.copy_(torch.rand(n, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=g) + 0.5)
            m.bias.data.copy_(torch.rand(n, generator=g) * 0.2 - 0.1)
    return model


def pictures(folder, count=2, size=224):
    rng = np.random.default_rng(7)
    files = []
    for i in range(count):
        # Smooth random colour fields: blocks of 8 x 8 pixels with noise, like photographs more than white noise.
        coarse = rng.integers(0, 256, (size // 8, size // 8, 3))
        img = np.kron(coarse, np.ones((8, 8, 1))) + rng.normal(0, 12, (size, size, 3))
        path = os.path.join(folder, "pic%d.png" % i)
        Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(path)
        files.append(path)
    return files


def tensor(files):
    arrays = [np.asarray(Image.open(f).convert("RGB"), dtype=np.float32) / 255.0 for f in files]
    x = torch.tensor(np.stack(arrays)).permute(0, 3, 1, 2)
    return (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)


class GuidedRelu(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, top):
        ctx.save_for_backward(x)
        ctx.top = top
        return x.clamp(0, top) if top is not None else x.clamp(min=0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        inside = (x > 0) if ctx.top is None else (x > 0) & (x < ctx.top)
        return g.clamp(min=0) * inside, None


def guided_patch():
    """Every ReLU and ReLU6 of torchvision's models, as module or functional call, becomes a guided one."""
    saved = (torch.nn.ReLU.forward, torch.nn.ReLU6.forward, torch.nn.functional.relu)
    torch.nn.ReLU.forward = lambda self, x: GuidedRelu.apply(x, None)
    torch.nn.ReLU6.forward = lambda self, x: GuidedRelu.apply(x, 6.0)
    torch.nn.functional.relu = lambda x, inplace=False: GuidedRelu.apply(x, None)
    return saved


def unpatch(saved):
    torch.nn.ReLU.forward, torch.nn.ReLU6.forward, torch.nn.functional.relu = saved


def input_gradient(model, x):
    x = x.clone().requires_grad_(True)
    logits = model(x)
    k = logits.argmax(1)
    logits.gather(1, k.view(-1, 1)).sum().backward()
    return x.grad.detach().numpy(), logits.detach().numpy()


def rel(a, b):
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30))


def run(cmd, timeout=900):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def check(name, gbp, threads, work):
    folder = os.path.join(work, name)
    os.makedirs(folder, exist_ok=True)
    model = build(name)
    onnx_file = os.path.join(folder, "model.onnx")
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), onnx_file, opset_version=13, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    bundle = os.path.join(folder, "bundle")
    r = run([gbp, "import", onnx_file, "--out", bundle, "--force", "--mean", ",".join(map(str, MEAN)),
             "--std", ",".join(map(str, STD))])
    if r.returncode != 0:
        return {"model": name, "import": "exit %d: %s" % (r.returncode, r.stderr.strip().splitlines()[-1][:300])}
    files = pictures(folder)
    x = tensor(files)
    with torch.no_grad():
        logits = model(x).numpy()
    out = {"model": name, "import": r.stdout.strip() or r.stderr.strip()}
    r = run([gbp, "predict", "--model", bundle, "--threads", str(threads), "--json", "--images"] + files)
    if r.returncode != 0:
        out["predict"] = "exit %d: %s" % (r.returncode, r.stderr.strip()[-300:])
        return out
    ours = np.array([im["logits"] for im in json.loads(r.stdout)["images"]], dtype=np.float64)
    out["logits_rel_l2"] = rel(ours, logits)
    out["same_prediction"] = bool((ours.argmax(1) == logits.argmax(1)).all())
    for method in ["gradient", "guided"]:
        saved = guided_patch() if method == "guided" else None
        try:
            expected, _ = input_gradient(model, x)
        finally:
            if saved:
                unpatch(saved)
        maps = os.path.join(folder, method)
        t0 = time.time()
        r = run([gbp, "explain", "--model", bundle, "--method", method, "--target", "predicted", "--threads", str(threads),
                 "--force", "--out", maps, "--images"] + files)
        if r.returncode != 0:
            out[method] = "exit %d: %s" % (r.returncode, r.stderr.strip()[-300:])
            continue
        out[method + "_seconds"] = round(time.time() - t0, 1)
        out[method + "_rel_l2"] = rel(np.load(os.path.join(maps, "maps.npy")), expected)
    double, _ = input_gradient(model.double(), x.double())
    out["torch_float32_vs_float64_gradient"] = rel(input_gradient(build(name), x)[0], double)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gbp", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "gbp"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--work", default=None, help="folder for the models and outputs (default: a temporary one)")
    p.add_argument("arch", nargs="*", default=DEFAULT)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    work = a.work or tempfile.mkdtemp(prefix="gbp-torchvision-")
    print("torch %s, torchvision %s, work folder %s" % (torch.__version__, torchvision.__version__, work), flush=True)
    for name in a.arch:
        try:
            result = check(name, a.gbp, a.threads, work)
        except Exception as e:  # an export PyTorch cannot do is reported, not fatal
            result = {"model": name, "error": repr(e)[:300]}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
