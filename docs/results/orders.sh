#!/usr/bin/env bash
# Issue 8 experiment: K = 3 data orders from one starting model, then average / select / select-resample merges,
# every model evaluated on the built-in tasks. Run from the repository root.
set -euo pipefail
out=runs/orders
sm=scripts/skillmix
mkdir -p "$out"
start=$(date +%s)
[ -f "$out/base/config.json" ] || $sm model init --preset tiny --seed 42 --out "$out/base"
[ -f "$out/run/orders.md" ] || $sm train --orders 3 run.dir="$out/run" model.path="$out/base" \
  train.steps=300 mix.update-every=50 run.progress=false
inputs="$out/run/order-1/final $out/run/order-2/final $out/run/order-3/final"
[ -f "$out/average/config.json" ] || $sm merge --method average --inputs $inputs --out "$out/average" --no-progress
for s in 1 2 3; do
  [ -f "$out/select-$s/config.json" ] || $sm merge --method select --base "$out/base" --inputs $inputs --seed $s --out "$out/select-$s" --no-progress
  [ -f "$out/resample-$s/config.json" ] || $sm merge --method select-resample --base "$out/base" --inputs $inputs --seed $s --out "$out/resample-$s" --no-progress
done
mkdir -p "$out/eval"
for m in base run/order-1/final run/order-2/final run/order-3/final average select-1 select-2 select-3 resample-1 resample-2 resample-3; do
  name=$(echo "$m" | tr '/' '_')
  [ -f "$out/eval/$name.json" ] || $sm eval --model "$out/$m" --out "$out/eval/$name.json" --no-progress > "$out/eval/$name.txt"
done
echo "orders experiment done in $(( $(date +%s) - start )) s"
