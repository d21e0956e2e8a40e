#!/bin/bash
# Convolution speed, before and after: the per-layer and per-step
# benchmarks (nn BenchmarkConvLayers, train BenchmarkConvStep) of this
# checkout and of BASE (default c0c5ac5, before the kn2row form), run
# alternately in one session so that both see the same machine.
# Run from the repository root; writes results/bench/conv-speed.txt.
set -eu
base=${1:-c0c5ac5}
old=$(mktemp -d)
git worktree add -q --detach "$old" "$base"
trap 'git worktree remove --force "$old"' EXIT
# The benchmarks themselves are newer than BASE: give it the same ones.
cp nn/conv_bench_test.go "$old/nn/"
cp train/bench_test.go "$old/train/"
out=results/bench/conv-speed.txt
: > "$out"
for round in 1 2 3; do
  for side in old new; do
    dir=.
    [ "$side" = old ] && dir=$old
    (cd "$dir" && go test ./nn ./train -run XXX -bench 'ConvLayers|ConvStep' -benchtime 10x) |
      grep '^Benchmark' | sed "s/^/$side /" >> "$out"
  done
done
# Medians per benchmark and side.
awk '{k=$2; v[$1" "k]=v[$1" "k]" "$4} END {for (x in v) print x, v[x]}' "$out" | sort -k2 |
  while read -r side name a b c; do
    m=$(printf '%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p)
    printf '%s %s median %.1f ms\n' "$side" "$name" "$(echo "$m / 1000000" | bc -l)"
  done >> "$out"
