#!/usr/bin/env bash
# ResNet-18 at 224 px: guided backprop images/s of gbp against PyTorch (docs/BENCHMARKS.md, "ResNet-18 at 224 px").
# Run from the repository root with the jar built: bash docs/bench/resnet18.sh [ROUNDS]   (default 3 rounds)
# Writes /tmp/resnet18.onnx (45 MB, not for committing), /tmp/resnet18 (the bundle) and /tmp/resnet18-bench/*.json.
set -euo pipefail
ROUNDS="${1:-3}"
BATCH="${BATCH:-32}"
RUNS="${RUNS:-10}"
LAYER=/layer3/layer3.1/relu_1/Relu   # the last ReLU of layer3 (node 34), 256 x 14 x 14
OUT=/tmp/resnet18-bench
mkdir -p "$OUT"
echo "machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/.*: *//'), $(date -u +%F)"

/usr/bin/python3 docs/bench/export_resnet18.py /tmp/resnet18.onnx
./gbp import /tmp/resnet18.onnx --out /tmp/resnet18 --force --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225

busy() {  # what else used the CPU just before a measurement
  echo "  load $(cut -d' ' -f1-3 /proc/loadavg); other busy processes: $(ps -eo pcpu=,ni=,comm= --sort=-pcpu | awk '$1 > 5 && $3 != "ps"' | head -3 | tr -s ' ' | paste -sd';' -)"
}
for i in $(seq 1 "$ROUNDS"); do
  echo "round $i"
  busy
  ./gbp bench --model /tmp/resnet18 --threads 2 --batch-size "$BATCH" --runs "$RUNS" --target predicted --json > "$OUT/gbp-predicted-$i.json"
  busy
  ./gbp bench --model /tmp/resnet18 --threads 2 --batch-size "$BATCH" --runs "$RUNS" --target "max-neuron:$LAYER" --json > "$OUT/gbp-layer3-$i.json"
  busy
  /usr/bin/python3 docs/bench/guided_torch.py --batch "$BATCH" --threads 2 --runs 3 --json > "$OUT/torch-$i.json"
  /usr/bin/python3 - "$OUT" "$i" <<'PY'
import json, sys
d, i = sys.argv[1], sys.argv[2]
p = json.load(open(f"{d}/gbp-predicted-{i}.json"))["measurements"]
l = json.load(open(f"{d}/gbp-layer3-{i}.json"))["measurements"]
t = json.load(open(f"{d}/torch-{i}.json"))
g = p["guided"]["images_per_second"]
print(f"  gbp predicted: guided {g:.1f}, gradient_layerwise {p['gradient_layerwise']['images_per_second']:.1f}, "
      f"full autograd {p['gradient_full_autograd']['images_per_second']:.1f}, forward {p['forward']['images_per_second']:.1f} images/s")
print(f"  gbp max-neuron layer3: guided {l['guided']['images_per_second']:.1f}, gradient_layerwise "
      f"{l['gradient_layerwise']['images_per_second']:.1f}, full autograd {l['gradient_full_autograd']['images_per_second']:.1f} images/s")
print(f"  PyTorch {t['torch']} guided, top logit: {t['images_per_second']:.1f} images/s; gbp / PyTorch = {g / t['images_per_second']:.2f}")
PY
done
