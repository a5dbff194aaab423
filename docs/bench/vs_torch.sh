#!/usr/bin/env bash
# Side-by-side figures of docs/BENCHMARKS.md: gbp bench against bundle_torch.py, back to back, on the same bundle,
# batch, threads and target. Per round and per MODEL:TARGET pair: gbp's guided backprop, then PyTorch as it comes,
# with gbp's allocator settings, and with those settings and channels-last memory. Prints one line per pair and
# round (images/s) and keeps each run's JSON in OUT.
# Usage: docs/bench/vs_torch.sh CIFAR_DIR OUT ROUNDS MODEL:TARGET...   (run from the repository's root)
#   e.g. docs/bench/vs_torch.sh ../shared/data/cifar-10-batches-bin /tmp/vs 3 models/cifar10-cnn:predicted
set -euo pipefail
cifar=$1 out=$2 rounds=$3
shift 3
mkdir -p "$out"
same=(MALLOC_ARENA_MAX=1 MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456)
ips() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.0f" % (d["measurements"][sys.argv[2]]["images_per_second"] if "measurements" in d else d["images_per_second"]))' "$@"; }
echo "round model target gbp_guided gbp_floor torch torch_same_alloc torch_same_alloc_channels_last"
for r in $(seq 1 "$rounds"); do
  for pair in "$@"; do
    m=${pair%%:*} t=${pair#*:} tag=$r-$(basename "$m")-${t//:/_}
    ./gbp bench --model "$m" --target "$t" --data "$cifar" --threads 2 --runs 10 --json 2>/dev/null > "$out/$tag-gbp.json"
    /usr/bin/python3 docs/bench/bundle_torch.py "$m" "$cifar" --target "$t" --threads 2 --runs 10 --json \
      > "$out/$tag-torch.json"
    env "${same[@]}" /usr/bin/python3 docs/bench/bundle_torch.py "$m" "$cifar" --target "$t" --threads 2 --runs 10 --json \
      > "$out/$tag-torch-same.json"
    env "${same[@]}" /usr/bin/python3 docs/bench/bundle_torch.py "$m" "$cifar" --target "$t" --threads 2 --runs 10 \
      --channels-last --json > "$out/$tag-torch-same-cl.json"
    echo "$r $(basename "$m") $t $(ips "$out/$tag-gbp.json" guided) $(ips "$out/$tag-gbp.json" forward_to_target)" \
      "$(ips "$out/$tag-torch.json") $(ips "$out/$tag-torch-same.json") $(ips "$out/$tag-torch-same-cl.json")"
  done
done
