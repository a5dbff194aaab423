#!/usr/bin/env bash
# Makes docs/img/seed-strip.png, the README's first picture: the seed experiment on the shipped seed network
# (guided backpropagation of the most active conv3_relu neuron, gbp explain's defaults) on our own drawings
# of eight classes, one image/map pair per class. CIFAR-10 images are never committed, so the strip shows
# pictures drawn by docs/img/drawn/make_drawings.py and docs/img/boat.png.
# Needs Pillow for the composition (Debian: apt-get install python3-pil).
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
./gbp explain --images docs/img/boat.png docs/img/drawn/{airplane,truck,horse,deer,frog,automobile,cat}.png \
  --method guided --out "$tmp/x" --threads 1 >/dev/null
/usr/bin/python3 - "$tmp/x/images" docs/img/seed-strip.png <<'PY'
import glob, sys
from PIL import Image
tiles = [Image.open(f) for f in sorted(glob.glob(sys.argv[1] + "/*.png"))]
cols, gap = 4, 8
w = max(t.width for t in tiles); h = max(t.height for t in tiles)
rows = (len(tiles) + cols - 1) // cols
out = Image.new("RGB", (cols * w + (cols + 1) * gap, rows * h + (rows + 1) * gap), "white")
for i, t in enumerate(tiles):
    out.paste(t, (gap + (i % cols) * (w + gap), gap + (i // cols) * (h + gap)))
out.save(sys.argv[2], optimize=True)
PY
echo "wrote docs/img/seed-strip.png"
