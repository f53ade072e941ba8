#!/bin/bash
# SpAtten's own behaviour simulator (mit-han-lab/spatten, spatten_hardware/simulator: the BERT
# model, bert.cpp) next to energon-vp, both configured like the energon-edge preset as far as
# SpAtten's simulator allows: 64 multipliers for Q·K and 64 for ×V (one d = 64 key per cycle),
# 1 GHz, one BERT-base layer (12 heads, d = 64), n = 512 and 128, dense and pruned to the same
# number of keys. Prints cycles per layer side by side (docs/results.md "SpAtten's simulator,
# side by side"). Documentation / benchmark only: not part of the test suite.
#
#   scripts/compare_spatten.sh SPATTEN_CHECKOUT ENERGON_BUILD_DIR
#     SPATTEN_CHECKOUT   a checkout of mit-han-lab/spatten (read only: its simulator is compiled
#                        into a scratch directory, nothing in the checkout is changed)
#     ENERGON_BUILD_DIR  a build with bin/energon-vp (cmake --build DIR --target energon-vp)
#   env: NS="512 128"  FRACTIONS="0.36 0.125"  WORK=<scratch dir, default a mktemp -d>
#        SPATTEN_TOPK_PARALLELISM=8 (its sizeZE: comparators of the top-k engine; the edge
#        selector's selector_elems_per_cycle is 8)
#        RAMULATOR=<path of a Ramulator 1 binary (CMU-SAFARI/ramulator)> optional: also runs
#        SpAtten's simulator in its Ramulator mode with RAMULATOR_CONFIG (default: a config written
#        here, LPDDR4 one 32-bit channel at LPDDR4_3200, Ramulator 1's fastest LPDDR4 bin, the
#        platform's 2 x16 LPDDR4-4266 being 32 bits wide too)
#
# Needs: g++ with C++20, libfmt-dev and the Fast C++ CSV Parser (Debian libfccp-dev, or the
# checkout's spatten_hardware/third_party/fast-cpp-csv-parser), python3.
set -euo pipefail

die() { echo "compare_spatten: $*" >&2; exit 2; }

[ $# -eq 2 ] || die "usage: $0 SPATTEN_CHECKOUT ENERGON_BUILD_DIR"
spatten=$1
build=$2
[ -d "$spatten" ] || die "SpAtten checkout '$spatten' does not exist (a checkout of mit-han-lab/spatten is needed)"
src="$spatten/spatten_hardware/simulator/src/bert.cpp"
[ -f "$src" ] || die "'$spatten' is not a SpAtten checkout: $src is missing"
vp="$build/bin/energon-vp"
[ -x "$vp" ] || die "$vp not built (cmake --build $build --target energon-vp)"
py=/usr/bin/python3
[ -x "$py" ] || py=python3

NS=${NS:-"512 128"}
FRACTIONS=${FRACTIONS:-"0.36 0.125"}
ZE=${SPATTEN_TOPK_PARALLELISM:-8}
MULT=64          # SpAtten's numMultipliers: per unit (it prints "#Multipliers = 64 * 2")
CHANNELS=1       # its fixed DRAM model: one 32-byte transaction per channel per cycle
WORK=${WORK:-$(mktemp -d /tmp/compare_spatten.XXXXXX)}
mkdir -p "$WORK"

# --- build SpAtten's simulator (its Makefile wants g++-10 and a vendored csv parser) ---------
csvdir=""
for d in "$spatten/spatten_hardware/third_party/fast-cpp-csv-parser" /usr/include/libfccp; do
  [ -f "$d/csv.h" ] && { csvdir=$d; break; }
done
[ -n "$csvdir" ] || die "csv.h (Fast C++ CSV Parser) not found: apt-get install libfccp-dev"
bert="$WORK/spatten-bert"
g++ -std=c++20 -O3 -I"$csvdir" "$src" -o "$bert" -lfmt -pthread \
  || die "building SpAtten's simulator failed (needs g++ with -std=c++20 and libfmt-dev)"

# SpAtten's simulator reads input.csv in its working directory: one row per head of a layer.
# fetch = keys each query attends to (key_value_query_fetch_num), L = queries; K, V and Q bits
# are given as 16 (it caps K and V at 8 bits); topk = keys the top-k engine keeps (-1: no top-k).
spatten_run() { # n fetch topk [channels] [ramulator]
  local n=$1 fetch=$2 topk=$3 ch=${4:-$CHANNELS} ram=${5:-0} dir="$WORK/spatten-run" flag=False
  [ "$topk" -ge 0 ] && flag=True
  mkdir -p "$dir"
  {
    echo "layer_id,head_id,embedding_length_D,sentence_length_L,key_value_query_fetch_num,quant_key_bit,quant_value_bit,quant_query_bit,auto_requant_thres,if_requant,auto_requant_incre,auto_requant_num,if_accumulate_importance,if_topk,topk"
    for h in $(seq 0 11); do echo "0,$h,64,$n,$fetch,16,16,16,-1,False,-1,-1,True,$flag,$topk"; done
  } > "$dir/input.csv"
  (cd "$dir" && "$bert" "$ch" "$MULT" "$ZE" "$ram") > "$dir/out.txt"
  awk '$1 == "SUM" { print $2 }' "$dir/out.txt"
}

# --- energon-vp: cycles per layer and where they go, from the JSON report ---------------------
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
vp_run() { # n tag policy-args...  -> "cycles kept attention_bound memory_bound filter_bound"
  local n=$1 tag=$2; shift 2
  local json="$WORK/vp-$n-$tag.json"
  "$vp" --hw energon-edge --workload "bert-base-$n" --layers 1 --no-check --no-compare -q \
    --json "$json" "$@" > "$WORK/vp-$n-$tag.log" 2>&1 \
    || die "energon-vp failed, see $WORK/vp-$n-$tag.log"
  "$py" - "$json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
r = next(v for k, v in d.items() if k not in ("description", "host", "provenance", "run"))
p = r["cycles"]["datapath"]["pipeline"]
print(int(r["latency"]["cycles_per_layer"]["value"]), r["filtering"]["kept_fraction"]["value"],
      p["attention_bound_cycles"]["value"], p["memory_bound_cycles"]["value"],
      p["filter_bound_cycles"]["value"])
EOF
}

ceil_keys() { "$py" -c "import math,sys; print(max(1, min($1, math.ceil(float(sys.argv[1]) * $1 - 1e-9))))" "$2"; }
round_keys() { "$py" -c "import sys; print(max(1, round(float(sys.argv[1]) * $1)))" "$2"; }

echo "SpAtten simulator: $src (commit $(git -C "$spatten" rev-parse --short HEAD 2>/dev/null || echo unknown)),"
echo "  built: g++ -std=c++20 -O3 -I$csvdir bert.cpp -lfmt -pthread; run: bert $CHANNELS $MULT $ZE 0"
echo "  ($MULT multipliers per unit, $CHANNELS DRAM channel(s) x 32 B/cycle, top-k parallelism $ZE, fixed DRAM model)"
vp_run 512 probe --policy dense > /dev/null
echo "energon-vp: $vp (commit $("$py" -c "import json,sys; print(json.load(open(sys.argv[1]))['provenance']['git_commit']['value'])" "$WORK/vp-512-probe.json")),"
echo "  --hw energon-edge (DRAM lpddr4-4266) --workload bert-base-N --layers 1 --no-check --no-compare --policy ..."
echo
echo "| n | work per query row | energon-vp policy | energon-vp cycles/layer | kept | attention-bound | memory-bound | filter-bound | SpAtten simulator input | SpAtten cycles/layer | energon-vp / SpAtten |"
echo "|---:|---|---|---:|---:|---:|---:|---:|---|---:|---:|"
row() { # n work policy "vp fields" spatten-desc spatten-cycles
  local n=$1 work=$2 pol=$3 desc=$5 sc=$6
  read -r c kept att mem filt <<< "$4"
  printf '| %s | %s | %s | %s | %.4f | %s | %s | %s | %s | %s | %s× |\n' "$n" "$work" "$pol" "$c" "$kept" \
    "$att" "$mem" "$filt" "$desc" "$sc" "$("$py" -c "print(f'{$c/$sc:.3f}')")"
}
for n in $NS; do
  d=$(vp_run "$n" dense --policy dense)
  s_dense=$(spatten_run "$n" "$n" -1)
  row "$n" "all $n keys" dense "$d" "fetch $n, no top-k" "$s_dense"
  for f in $FRACTIONS; do
    k=$(ceil_keys "$n" "$f")
    t=$(vp_run "$n" "topk$f" --policy topk --topk-fraction "$f")
    s_sel=$(spatten_run "$n" "$n" "$k")
    s_kept=$(spatten_run "$n" "$k" -1)
    row "$n" "Q·K on $n, ×V on $k" "topk $f" "$t" "fetch $n, top-k engine keeps $k" "$s_sel"
    row "$n" "Q·K on $n, ×V on $k" "topk $f" "$t" "fetch $k (pruned earlier), no top-k" "$s_kept"
  done
  m=$(vp_run "$n" mpmrf --policy mpmrf)
  read -r _ mkept _ <<< "$m"
  km=$(round_keys "$n" "$mkept")
  s_m=$(spatten_run "$n" "$km" -1)
  row "$n" "filter on $n, Q·K and ×V on ~$km" "mpmrf (default rounds)" "$m" "fetch $km (pruned earlier), no top-k" "$s_m"
done

echo
echo "SpAtten simulator, its terms isolated (per layer):"
for n in $NS; do
  s1=$(spatten_run "$n" "$n" -1)
  sinf=$(spatten_run "$n" "$n" -1 1048576)
  echo "  n = $n dense: $s1 cycles with $CHANNELS channel(s); $sinf with 1048576 channels (DRAM term ~0)" \
       "=> DRAM term $((s1 - sinf + 24)) cycles (12 heads x 2 transactions remain at 1048576 channels)"
done

if [ -n "${RAMULATOR:-}" ]; then
  [ -x "$RAMULATOR" ] || die "RAMULATOR=$RAMULATOR is not an executable"
  cfg=${RAMULATOR_CONFIG:-}
  if [ -z "$cfg" ]; then
    cfg="$WORK/lpddr4-3200-1ch.cfg"
    printf '%s\n' "standard = LPDDR4" "channels = 1" "ranks = 1" "speed = LPDDR4_3200" \
      "org = LPDDR4_8Gb_x16" "record_cmd_trace = off" "print_cmd_trace = off" > "$cfg"
  fi
  [ -f "$cfg" ] || die "Ramulator config $cfg not found"
  std=$(awk -F= '$1 ~ /standard/ { gsub(/ /, "", $2); print $2 }' "$cfg")
  ch=$(awk -F= '$1 ~ /channels/ { gsub(/ /, "", $2); print $2 }' "$cfg")
  # SpAtten's simulator runs ./ramulator HBM-config.cfg and reads HBM.stats in its directory;
  # Ramulator 1 names the statistics file after the standard.
  dir="$WORK/spatten-run"; mkdir -p "$dir"
  ln -sf "$(readlink -f "$RAMULATOR")" "$dir/ramulator"
  cp "$cfg" "$dir/HBM-config.cfg"
  [ "$std" = HBM ] || ln -sf "$std.stats" "$dir/HBM.stats"
  echo
  echo "SpAtten simulator in its Ramulator mode ($cfg: $std, $ch channel(s); it adds Ramulator's"
  echo "DRAM clock cycles to its accelerator cycles as they are):"
  for n in $NS; do
    a=$(spatten_run "$n" "$n" -1 "$ch" 1)
    dc=$(awk '/ramulator.dram_cycles/ { print $2 }' "$dir/$std.stats")
    echo "  n = $n dense: $a cycles/layer (DRAM term $dc DRAM cycles)"
    for f in $FRACTIONS; do
      k=$(ceil_keys "$n" "$f")
      echo "  n = $n fetch $k: $(spatten_run "$n" "$k" -1 "$ch" 1) cycles/layer"
    done
  done
fi
echo
echo "(scratch files in $WORK)"
