#!/bin/bash
# Proves that a change of the code changes no number the program prints or
# saves: builds latent at BASE (default: 7b4c5ec, the commit before the
# redesign of issue 8) and at the working tree, runs ae1, ae2 and ae3c for
# 2 epochs and conv, denoise, inpaint and vae for 1 epoch with each, and compares the runs
# bit for bit (every list of history.json but the seconds, every tensor of
# model.safetensors) and their printed output (all but the timings).
# Output: results/same-numbers/report.txt. Run from the repository root.
set -eu
base=${1:-7b4c5ec}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base-tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/base-tree" "$base" >/dev/null
(cd "$work/base-tree" && go build -o "$work/latent-base" ./cmd/latent)
go build -o "$work/latent-new" ./cmd/latent
go build -o "$work/samebits" ./internal/cmd/samebits
out=results/same-numbers
mkdir -p "$out"
report=$out/report.txt
echo "base $base ($(git log -1 --format=%cd --date=short "$base")) against the working tree at $(git rev-parse --short HEAD)" > "$report"
status=0
while read -r recipe epochs; do
  for side in base new; do
    "$work/latent-$side" run "$recipe" --epochs "$epochs" --out "$work/$side/$recipe" > "$work/$side-$recipe.log" 2>&1
    grep -v 's/step' "$work/$side-$recipe.log" | sed "s#$work/$side/##" > "$work/$side-$recipe.printed"
  done
  printf '%-5s %d epoch(s): ' "$recipe" "$epochs" >> "$report"
  "$work/samebits" "$work/base/$recipe" "$work/new/$recipe" >> "$report" || status=1
  if diff -q "$work/base-$recipe.printed" "$work/new-$recipe.printed" > /dev/null; then
    echo "      printed output: identical but for the timings" >> "$report"
  else
    echo "      printed output differs:" >> "$report"
    diff "$work/base-$recipe.printed" "$work/new-$recipe.printed" | sed 's/^/        /' >> "$report" || true
  fi
done <<'RUNS'
ae1 2
ae2 2
ae3c 2
conv 1
denoise 1
inpaint 1
vae 1
RUNS
cat "$report"
exit $status
