#!/bin/bash
# Simulation speed, in one run: the golden model (int16 peak probe, GMAC/s per kernel set, real
# model vs the float path: energon-golden-bench), then the platform vs the golden model alone on
# the same job (one BERT-base layer from float tensors to INT16 output: energon-vp-bench) for dense
# and mpmrf, n = 128 … 4096, lt and at timing: CPU-time ratios, and callgrind instruction ratios
# (repeatable on a shared machine) when valgrind is installed, for n ≤ CALLGRIND_LT_MAX_N in lt
# and n ≤ CALLGRIND_MAX_N in at (larger runs are too long under valgrind); then real-model mode
# (stories260K generation on the platform, mpmrf, lt and at) against the float host path on the
# same positions (energon-llm-bench), CPU time and (valgrind) instructions, when ../shared/models
# is there. Numbers only, no pass/fail on speed (a bit-exact mismatch still fails).
#   scripts/bench_sim_speed.sh [build dir]
#   env: NS="128 512 1024 2048 4096"  TIMINGS="lt at"  POLICIES="dense mpmrf"  CALLGRIND_MAX_N=512
#        CALLGRIND_LT_MAX_N=2048
set -euo pipefail
build=${1:-build}
NS=${NS:-"128 512 1024 2048 4096"}
TIMINGS=${TIMINGS:-"lt at"}
POLICIES=${POLICIES:-"dense mpmrf"}
CALLGRIND_MAX_N=${CALLGRIND_MAX_N:-512}
CALLGRIND_LT_MAX_N=${CALLGRIND_LT_MAX_N:-2048}
bench="$build/bin/energon-vp-bench"
gbench="$build/bin/energon-golden-bench"
lbench="$build/bin/energon-llm-bench"
models=${MODELS:-$(cd "$(dirname "$0")/../.." && pwd)/shared/models}
for b in "$bench" "$gbench" "$lbench"; do
  if [ ! -x "$b" ]; then
    echo "bench_sim_speed: $b not built (cmake --build $build --target bench)" >&2
    exit 2
  fi
done
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
have_valgrind=0
command -v valgrind >/dev/null 2>&1 && have_valgrind=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== golden model =="
"$gbench" bert-base-512 3
echo
echo "== platform vs golden, one BERT-base layer (12 heads, d = 64) =="
[ $have_valgrind = 1 ] || echo "(valgrind not installed: no instruction counts)"
printf '%-7s %-6s %5s %12s %12s %9s %14s %14s %8s %14s %6s\n' policy timing n golden_cpu_ms platf_cpu_ms cpu_ratio \
  golden_Ir platform_Ir Ir_ratio accel_cycles exact
status=0
for timing in $TIMINGS; do
  for policy in $POLICIES; do
    for n in $NS; do
      line=$("$bench" --workload bert-base-512 --seq-len "$n" --policy "$policy" --timing "$timing" --repeat 2) || status=1
      read -r _ _ _ _ _ _ gcpu pcpu cratio cycles exact <<<"$line"
      gir=—; pir=—; iratio=—
      max_n=$CALLGRIND_MAX_N
      [ "$timing" = lt ] && max_n=$CALLGRIND_LT_MAX_N
      if [ $have_valgrind = 1 ] && [ "$n" -le "$max_n" ]; then
        rm -f "$tmp"/cg.*
        valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.%p" "$bench" --workload bert-base-512 --seq-len "$n" \
          --policy "$policy" --timing "$timing" --repeat 1 >/dev/null 2>&1 || status=1
        # dumps: <file>.1 after the golden region, <file>.2 after the platform region
        gir=$(grep -h '^totals:' "$tmp"/cg.*.1 | awk '{print $2}')
        pir=$(grep -h '^totals:' "$tmp"/cg.*.2 | awk '{print $2}')
        iratio=$(awk -v a="$pir" -v b="$gir" 'BEGIN { printf "%.2f", a / b }')
      fi
      printf '%-7s %-6s %5s %12s %12s %9s %14s %14s %8s %14s %6s\n' "$policy" "$timing" "$n" "$gcpu" "$pcpu" "$cratio" \
        "$gir" "$pir" "$iratio" "$cycles" "$exact"
    done
  done
done
echo
echo "== real-model mode vs the float host path =="
if [ -f "$models/stories260K.bin" ] && [ -f "$models/tok512.bin" ]; then
  for timing in $TIMINGS; do
    "$lbench" "$models/stories260K.bin" "$models/tok512.bin" 200 "$timing" 2>/dev/null | grep '^real model' || status=1
  done
  if [ $have_valgrind = 1 ]; then
    # Instructions: the platform's run_llm region per timing, the float path's region (3 runs).
    collected() { grep -h '^summary:' "$1" | awk '{print $2}'; }
    valgrind --tool=callgrind --callgrind-out-file="$tmp/float.cg" '--toggle-collect=*run_float_path*' "$lbench" \
      "$models/stories260K.bin" "$models/tok512.bin" 200 lt >/dev/null 2>&1 || status=1
    fir=$(awk -v a="$(collected "$tmp/float.cg")" 'BEGIN { printf "%.0f", a / 3 }')
    for timing in $TIMINGS; do
      valgrind --tool=callgrind --callgrind-out-file="$tmp/llm.cg" '--toggle-collect=energon::platform::llm::run_llm*' \
        "$lbench" "$models/stories260K.bin" "$models/tok512.bin" 200 "$timing" >/dev/null 2>&1 || status=1
      pir=$(collected "$tmp/llm.cg")
      echo "real model instructions (callgrind), mpmrf, $timing: platform $pir, float path $fir: \
$(awk -v a="$pir" -v b="$fir" 'BEGIN { printf "%.2f", a / b }')x float"
    done
  fi
else
  echo "(no $models/stories260K.bin and tok512.bin: skipped)"
fi
exit $status
