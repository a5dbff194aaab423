#!/usr/bin/python3
"""Makes the ONNX fixtures of gbp import's tests and PyTorch's reference numbers for them.

Run with Debian's python3 (python3-torch, python3-torchvision, python3-onnx) from this folder:
    /usr/bin/python3 make_fixtures.py
Deterministic (seeded). Writes, per model NAME: NAME.onnx, NAME.inputs.npy (the network's input tensor,
already normalised: import with --mean 0,0,0 --std 1,1,1), NAME.logits.npy, and gradients of the inputs
NAME.<target>.<rule>.npy, all described in index.json. Every conv has at least 16 channels (libtorch's CPU
conv backward is wrong for fewer on the project's machines).
"""
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)
np.random.seed(0)


def randomize_bn(m):
    """Non-trivial BatchNorm parameters and running statistics (else BN is close to identity)."""
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            with torch.no_grad():
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.2, 0.2)
                mod.running_mean.uniform_(-0.2, 0.2)
                mod.running_var.uniform_(0.5, 1.5)


class Residual(nn.Module):
    """conv-bn-relu blocks with adds, one strided projection shortcut; GAP, flatten, Linear."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu1 = nn.ReLU()
        self.b1conv1 = nn.Conv2d(16, 16, 3, padding=1, bias=False)
        self.b1bn1 = nn.BatchNorm2d(16)
        self.b1relu1 = nn.ReLU()
        self.b1conv2 = nn.Conv2d(16, 16, 3, padding=1, bias=False)
        self.b1bn2 = nn.BatchNorm2d(16)
        self.b1relu2 = nn.ReLU()
        self.b2conv1 = nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False)
        self.b2bn1 = nn.BatchNorm2d(32)
        self.b2relu1 = nn.ReLU()
        self.b2conv2 = nn.Conv2d(32, 32, 3, padding=1, bias=True)
        self.b2bn2 = nn.BatchNorm2d(32)
        self.b2proj = nn.Conv2d(16, 32, 1, stride=2, bias=False)
        self.b2projbn = nn.BatchNorm2d(32)
        self.b2relu2 = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.relu1(self.bn1(self.conv1(x)))
        y = self.b1relu1(self.b1bn1(self.b1conv1(x)))
        y = self.b1bn2(self.b1conv2(y))
        x = self.b1relu2(x + y)
        y = self.b2relu1(self.b2bn1(self.b2conv1(x)))
        y = self.b2bn2(self.b2conv2(y))
        x = self.b2relu2(y + self.b2projbn(self.b2proj(x)))
        x = torch.flatten(self.pool(x), 1)
        return self.fc(x)


class Fire(nn.Module):
    def __init__(self, cin, squeeze, expand):
        super().__init__()
        self.squeeze = nn.Conv2d(cin, squeeze, 1)
        self.squeeze_relu = nn.ReLU()
        self.expand1 = nn.Conv2d(squeeze, expand, 1)
        self.expand1_relu = nn.ReLU()
        self.expand3 = nn.Conv2d(squeeze, expand, 3, padding=1)
        self.expand3_relu = nn.ReLU()

    def forward(self, x):
        x = self.squeeze_relu(self.squeeze(x))
        return torch.cat([self.expand1_relu(self.expand1(x)), self.expand3_relu(self.expand3(x))], 1)


class Concat(nn.Module):
    """SqueezeNet-like: fire modules (1x1 and 3x3 branches concatenated), max pool with ceil_mode and
    padding, average pool with count_include_pad=False and padding, a 1x1 classifier conv, GAP, flatten."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, stride=1, padding=1)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.fire1 = Fire(16, 16, 16)
        self.pool2 = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        self.fire2 = Fire(32, 16, 16)
        self.classifier = nn.Conv2d(32, 16, 1)
        self.classifier_relu = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d((1, 1))

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.fire1(x))
        x = self.fire2(x)
        x = self.pool(self.classifier_relu(self.classifier(x)))
        return torch.flatten(x, 1)


class Mobile(nn.Module):
    """Depthwise conv, dilation 2, ReLU6 (Clip), asymmetric zero padding, max pool, x.view(x.size(0), -1)
    (a shape subgraph), and x @ W + b with W a (in, out) Parameter (MatMul + Add)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu1 = nn.ReLU6()
        self.pad = nn.ZeroPad2d((1, 0, 1, 0))
        self.dw = nn.Conv2d(16, 16, 3, stride=2, groups=16, bias=False)
        self.dwbn = nn.BatchNorm2d(16)
        self.dwrelu = nn.ReLU6()
        self.pw = nn.Conv2d(16, 32, 1)
        self.pwrelu = nn.ReLU6()
        self.dil = nn.Conv2d(32, 32, 3, padding=2, dilation=2)
        self.dilrelu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.w = nn.Parameter(torch.randn(32 * 5 * 6, 10) * 0.05)
        self.b = nn.Parameter(torch.randn(10) * 0.1)

    def forward(self, x):
        x = self.relu1(self.bn1(self.conv1(x)))
        x = self.dwrelu(self.dwbn(self.dw(self.pad(x))))
        x = self.pwrelu(self.pw(x))
        x = self.pool(self.dilrelu(self.dil(x)))
        x = x.view(x.size(0), -1)
        return x @ self.w + self.b


class Gemm(nn.Module):
    """What the hand-written gemm.onnx computes: Flatten, Gemm(transB=0, alpha=0.5, beta=2, C (1, 32)),
    Relu, Gemm(transB=1, C (10,))."""

    def __init__(self):
        super().__init__()
        self.b1 = nn.Parameter(torch.randn(3 * 6 * 8, 32) * 0.1)   # (in, out): transB=0
        self.c1 = nn.Parameter(torch.randn(1, 32) * 0.1)
        self.relu = nn.ReLU()
        self.b2 = nn.Parameter(torch.randn(10, 32) * 0.2)          # (out, in): transB=1
        self.c2 = nn.Parameter(torch.randn(10) * 0.1)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = self.relu(0.5 * (x @ self.b1) + 2.0 * self.c1)
        return x @ self.b2.t() + self.c2


class Unsupported(nn.Module):
    """A Sigmoid (unsupported by gbp import) between a conv and the head."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1)
        self.act = nn.Sigmoid()
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        x = self.act(self.conv(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def export(model, name, shape, opset, dynamic, folding=True):
    """Without constant folding the export also keeps BatchNormalization apart from the convs (TrainingMode
    PRESERVE on a model in eval mode skips the eval-mode Conv+BN fusion; the BN still uses running stats)."""
    path = os.path.join(HERE, name + ".onnx")
    x = torch.randn(1, *shape)
    kwargs = {}
    if dynamic:
        kwargs["dynamic_axes"] = {"input": {0: "batch"}, "logits": {0: "batch"}}
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"], output_names=["logits"],
                      do_constant_folding=folding,
                      training=torch.onnx.TrainingMode.EVAL if folding else torch.onnx.TrainingMode.PRESERVE, **kwargs)
    return path


def gemm_onnx(model, path):
    """Gemm with transB=0, alpha and beta, written with onnx.helper (PyTorch writes MatMul for x @ W)."""
    t = lambda name, p: numpy_helper.from_array(p.detach().numpy().astype(np.float32), name)
    nodes = [
        helper.make_node("Flatten", ["input"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc1.B", "fc1.C"], ["h"], name="fc1", alpha=0.5, beta=2.0, transB=0),
        helper.make_node("Relu", ["h"], ["hr"], name="relu"),
        helper.make_node("Gemm", ["hr", "fc2.B", "fc2.C"], ["logits"], name="fc2", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "gemm",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 6, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
        [t("fc1.B", model.b1), t("fc1.C", model.c1), t("fc2.B", model.b2), t("fc2.C", model.c2)])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_fixtures.py")
    onnx.checker.check_model(m)
    onnx.save(m, path)


def add_dropout_and_identity(path):
    """Puts a Dropout (inference) and an Identity in front of the MatMul (PyTorch drops them in eval export)."""
    m = onnx.load(path)
    g = m.graph
    matmul = next(n for n in g.node if n.op_type == "MatMul")
    src = matmul.input[0]
    drop = helper.make_node("Dropout", [src], ["dropped", "dropmask"], name="/dropout/Dropout")
    ident = helper.make_node("Identity", ["dropped"], ["identified"], name="/identity/Identity")
    matmul.input[0] = "identified"
    idx = list(g.node).index(matmul)
    g.node.insert(idx, ident)
    g.node.insert(idx, drop)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def relu_modules(model):
    return [m for m in model.modules() if isinstance(m, (nn.ReLU, nn.ReLU6))]


def guided_hooks(model):
    """Guided backprop: at every ReLU/ReLU6, grad_in = clamp(grad_out, 0) * [0 < x (< 6)], which is
    clamp(autograd's grad_in, 0)."""
    return [m.register_full_backward_hook(lambda mod, gin, gout: (torch.clamp(gin[0], min=0),))
            for m in relu_modules(model)]


def input_gradient(model, x, target, module, guided):
    hooks = guided_hooks(model) if guided else []
    captured = {}
    h = module.register_forward_hook(lambda mod, i, o: captured.__setitem__("out", o)) if module else None
    xi = x.clone().requires_grad_(True)
    out = model(xi)
    if target == "top_logit":
        sel = out.gather(1, out.argmax(1, keepdim=True)).sum()
    else:
        a = captured["out"].flatten(1)
        sel = a.gather(1, a.argmax(1, keepdim=True)).sum()
    sel.backward()
    for k in hooks:
        k.remove()
    if h:
        h.remove()
    return xi.grad.detach().numpy()


def onnx_node_of(path, module_path, op):
    """The ONNX node name PyTorch gave the module's op ("/b1relu2/Relu")."""
    m = onnx.load(path)
    want = "/" + module_path.replace(".", "/") + "/" + op
    names = [n.name for n in m.graph.node]
    if want not in names:
        raise SystemExit("no node %s in %s: %s" % (want, path, names))
    return want


def main():
    index = {"description": "gbp import fixtures and PyTorch's reference numbers. inputs are the network's "
                            "input tensor (already normalised: import with --mean 0,0,0 --std 1,1,1); "
                            "gradients are d(target)/d(input) per image, summed over nothing (each image its "
                            "own target). top_logit: each image's largest logit. max_activation: the largest "
                            "value (first in C,H,W order) of the named ReLU/Clip node's output. rule gradient: "
                            "plain autograd; guided: at every ReLU/ReLU6 grad_in = clamp(grad_out, 0) * "
                            "[0 < x (< 6)].",
             "torch": torch.__version__, "models": {}}

    specs = [
        # name, model, input shape, opset, dynamic batch, constant folding, relu module, onnx op
        ("residual", Residual(), (3, 20, 24), 13, True, False, "b1relu2", "Relu"),
        ("concat", Concat(), (3, 32, 32), 11, False, True, "fire1.expand3_relu", "Relu"),
        ("mobile", Mobile(), (3, 20, 24), 17, True, True, "dwrelu", "Clip"),
    ]
    for name, model, shape, opset, dynamic, folding, relu, op in specs:
        randomize_bn(model)
        model.eval()
        path = export(model, name, shape, opset, dynamic, folding)
        if name == "mobile":
            add_dropout_and_identity(path)
        onnx.checker.check_model(onnx.load(path))
        index["models"][name] = reference(name, model, shape, path, relu, op, opset, dynamic)

    gemm = Gemm().eval()
    gemm_onnx(gemm, os.path.join(HERE, "gemm.onnx"))
    index["models"]["gemm"] = reference("gemm", gemm, (3, 6, 8), os.path.join(HERE, "gemm.onnx"), None, None, 13, True)
    index["models"]["gemm"]["relu_node"] = "relu"
    index["models"]["gemm"]["files"].update(relu_reference(gemm, "gemm"))

    bad = Unsupported().eval()
    export(bad, "unsupported_sigmoid", (3, 16, 16), 13, False)
    index["hostile"] = {"unsupported_sigmoid.onnx": "a Sigmoid node (/act/Sigmoid)"}
    ext = onnx.load(os.path.join(HERE, "unsupported_sigmoid.onnx"))
    # Remove the Sigmoid so that the only fault is the external data.
    sig = next(n for n in ext.graph.node if n.op_type == "Sigmoid")
    for n in ext.graph.node:
        n.input[:] = [sig.input[0] if i == sig.output[0] else i for i in n.input]
    ext.graph.node.remove(sig)
    onnx.save_model(ext, os.path.join(HERE, "external_data.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="external_data.bin", size_threshold=0)
    index["hostile"]["external_data.onnx"] = "every initializer in external_data.bin (first: conv.weight)"

    with open(os.path.join(HERE, "index.json"), "w") as f:
        json.dump(index, f, indent=1, sort_keys=True)
        f.write("\n")


def relu_reference(model, name):
    x = torch.from_numpy(np.load(os.path.join(HERE, name + ".inputs.npy")))
    files = {}
    for rule in ("gradient", "guided"):
        g = input_gradient(model, x, "max_activation", model.relu, rule == "guided")
        f = "%s.max_activation.%s.npy" % (name, rule)
        np.save(os.path.join(HERE, f), g.astype(np.float32))
        files["max_activation." + rule] = f
    return files


def reference(name, model, shape, path, relu, op, opset, dynamic):
    gen = torch.Generator().manual_seed(1234)
    x = torch.randn(3, *shape, generator=gen)
    np.save(os.path.join(HERE, name + ".inputs.npy"), x.numpy().astype(np.float32))
    with torch.no_grad():
        logits = model(x)
    np.save(os.path.join(HERE, name + ".logits.npy"), logits.numpy().astype(np.float32))
    files = {"inputs": name + ".inputs.npy", "logits": name + ".logits.npy"}
    entry = {"onnx": os.path.basename(path), "input": list(shape), "opset": opset, "dynamic_batch": dynamic,
             "top_logit": logits.argmax(1).tolist(), "files": files}
    module = dict(model.named_modules()).get(relu) if relu else None
    if relu:
        entry["relu_node"] = onnx_node_of(path, relu, op)
    for rule in ("gradient", "guided"):
        g = input_gradient(model, x, "top_logit", None, rule == "guided")
        f = "%s.top_logit.%s.npy" % (name, rule)
        np.save(os.path.join(HERE, f), g.astype(np.float32))
        files["top_logit." + rule] = f
        if module is not None:
            g = input_gradient(model, x, "max_activation", module, rule == "guided")
            f = "%s.max_activation.%s.npy" % (name, rule)
            np.save(os.path.join(HERE, f), g.astype(np.float32))
            files["max_activation." + rule] = f
    return entry


if __name__ == "__main__":
    main()
