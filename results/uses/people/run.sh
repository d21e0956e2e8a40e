#!/bin/sh
# The README's example of a CSV with an id and a name column:
# people.csv is 300 rows of 6 numbers in three clusters (kind x, y, z),
# with an id and a quoted "Last, First" name. Run from this folder with
# latent on the PATH; people.log is this script's output.
set -x
latent run tab.json --train people.csv --ignore id,name --label kind --scale standard --out tab --force
latent encode tab/model.safetensors people.csv --out codes.csv
head -3 codes.csv
latent anomalies tab/model.safetensors people.csv --out anomalies
head -3 anomalies/scores.csv
grep ',1$' anomalies/scores.csv
