#!/usr/bin/env bash
# Copies a comparison's raw records (no model weights, no checkpoints) into docs/results:
#   docs/results/copy-records.sh COMPARISON_DIR DEST [ARM ...]
# Per evaluated run: config.conf, eval.json, metrics.jsonl, report.md, weights.jsonl; per
# comparison: compare.conf, its tables and plots. The runs' records are then packed into
# DEST/records.zip (skillmix results pack), as every experiment here keeps them.
set -euo pipefail
src="$1"; dest="$2"; shift 2
mkdir -p "$dest"
cp "$src"/compare.conf "$dest"/
cp "$src"/table*.md "$src"/table*.csv "$dest"/ 2>/dev/null || true
[ -d "$src/plots" ] && mkdir -p "$dest/plots" && cp "$src"/plots/*.png "$dest/plots/"
arms=("$@")
[ ${#arms[@]} -eq 0 ] && arms=($(cd "$src" && ls -d */ | tr -d / | grep -v '^plots$'))
for arm in "${arms[@]}"; do
  for run in "$src/$arm"/seed-*/; do
    [ -f "$run/eval.json" ] || continue
    out="$dest/$arm/$(basename "$run")"
    mkdir -p "$out"
    for f in config.conf eval.json metrics.jsonl report.md weights.jsonl; do
      [ -f "$run/$f" ] && cp "$run/$f" "$out/"
    done
  done
  [ -f "$src/$arm/arm.conf" ] && cp "$src/$arm/arm.conf" "$dest/$arm/"
done
scripts/skillmix results pack "$dest"
