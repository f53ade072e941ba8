#!/bin/sh
# energon-calibrate on stories260K (small sets), then the rounds file through the platform:
# energon-vp --model ... --rounds-file must accept it, stay bit-exact with the golden model, keep
# per layer what the file says and meet the target on the held-out stories (the same texts the
# calibration checked). Exit 77 (skipped) without ../shared/models.
set -eu
calibrate=$1 vp=$2 models=$3 dir=$4
if [ ! -f "$models/stories260K.bin" ] || [ ! -f "$models/tok512.bin" ]; then
  echo "skipped: model files not found in $models"
  exit 77
fi
mkdir -p "$dir"
rm -f "$dir/rounds.yaml" "$dir/vp.json"
target=0.98
"$calibrate" -m "$models/stories260K.bin" -t "$models/tok512.bin" --target agreement=$target \
  --grid "8x8:alpha=-1;8x8:alpha=-0.5;8x8:alpha=-0.25;8x8:alpha=0;8x8:alpha=0.25;4x2:alpha=-0.25,4x4:alpha=0" \
  --calib-texts 6 --calib-length 96 --eval-texts 2 --eval-length 96 --eval-seed 21 \
  --out "$dir/rounds.yaml" -q | tee "$dir/calibrate.txt"
grep -q "on the held-out set: met" "$dir/calibrate.txt"
cat "$dir/rounds.yaml"
"$vp" --model "$models/stories260K.bin" --tokenizer "$models/tok512.bin" --rounds-file "$dir/rounds.yaml" \
  --mode whole --eval --eval-texts 2 --eval-length 96 --eval-seed 21 --no-generate -q --json "$dir/vp.json" \
  | tee "$dir/vp.txt"
grep -q "bit-exact vs golden: yes" "$dir/vp.txt"
/usr/bin/python3 - "$dir/vp.json" "$dir/calibrate.txt" "$target" <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1]))
agreement = j["quality"]["top1_agreement"]["value"]
held = float(re.search(r"held-out: .*agreement ([0-9.]+)", open(sys.argv[2]).read()).group(1))
kept = [j["layers"]["layer%d" % l]["kept_fraction"]["value"] for l in range(5)]
print("platform held-out agreement", agreement, "calibrate's", held, "kept per layer", kept)
assert agreement >= float(sys.argv[3]), "target missed on the platform"
assert abs(agreement - held) < 5e-5, "platform and calibration disagree"
assert len(set(round(k, 6) for k in kept)) > 1, "per-layer kept fractions should differ"
print("calibrate_end_to_end: ok")
PY
