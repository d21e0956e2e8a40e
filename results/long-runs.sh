#!/bin/bash
# The long runs of the convolutional recipes, one after another, each into
# results/DIR with its log in results/DIR.log. A run that a previous
# session left unfinished is resumed from its checkpoint (latent run
# --resume), so the runs can be spread over several sessions and still end
# with the weights of uninterrupted runs. Run from the repository root.
set -eu
go build -o /tmp/latent-runs ./cmd/latent
while read -r recipe dataset dir; do
  log=results/$dir.log
  if [ -f "$log" ] && grep -q '^outputs written to' "$log"; then
    echo "$dir: finished"
    continue
  fi
  args=(run "$recipe" --dataset "$dataset" --out "results/$dir")
  if [ -f "results/$dir/checkpoint.safetensors" ]; then
    echo "$dir: resuming"
    /tmp/latent-runs "${args[@]}" --resume >> "$log" 2>&1
  else
    echo "$dir: starting"
    /tmp/latent-runs "${args[@]}" > "$log" 2>&1
  fi
done <<'RUNS'
inpaint mnist inpaint
denoise mnist denoise
conv fashion conv-fashion
vae fashion vae-fashion
inpaint fashion inpaint-fashion
denoise fashion denoise-fashion
RUNS
