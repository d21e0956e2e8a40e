#!/bin/bash
# Runs every fuzz target for 10 minutes, one after another, with one
# worker each; each log ends with the last counts (executions, new
# interesting inputs). Inputs that crash land in the package's
# testdata/fuzz/ and fail `go test` until fixed. Run from the repository root.
set -u
minutes=${1:-10}
while read -r target pkg; do
  go test -run XXX -fuzz "^$target\$" -fuzztime "${minutes}m" -fuzzminimizetime 5s -parallel 1 "$pkg" > "results/fuzz/$target.log" 2>&1
  echo "$target $pkg: exit $? $(grep -o 'execs: [0-9]*.*' "results/fuzz/$target.log" | tail -1)"
done <<'TARGETS'
FuzzReadIDX ./data
FuzzCSV ./data
FuzzNPY ./data
FuzzPNG ./data
FuzzRead ./safetensors
FuzzParse ./recipe
FuzzOpen ./model
FuzzLoad ./checkpoint
TARGETS
