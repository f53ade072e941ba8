#!/bin/bash
# Simulation speed: wall time of the virtual platform vs the golden model alone on the same
# job (one BERT-base layer from float tensors to INT16 output), for dense and mpmrf, and how it
# grows with the sequence length. Usage: scripts/bench_sim_speed.sh [build dir] [lt|at]
set -euo pipefail
build=${1:-build}
timing=${2:-lt}
bench="$build/bin/energon-vp-bench"
if [ ! -x "$bench" ]; then
  echo "bench_sim_speed: $bench not built (cmake --build $build --target energon-vp-bench)" >&2
  exit 2
fi
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
first=--header
for policy in dense mpmrf; do
  for n in 128 256 512 1024; do
    "$bench" --workload bert-base-512 --seq-len "$n" --policy "$policy" --timing "$timing" $first
    first=
  done
done
