#!/bin/bash
# Opens an energon-vp timeline in speedscope (npm) in headless Chromium and checks that the viewer read
# all eight tracks (six blocks and the two LPDDR4 channels). Skipped (exit 77, with the reason) where Chromium or npm is not installed.
# Usage: check_timeline_viewer.sh ENERGON_VP WORK_DIR
set -euo pipefail
vp=$1; work=$2
mkdir -p "$work"
command -v chromium > /dev/null || { echo "SKIPPED: chromium is not installed (apt-get install chromium)"; exit 77; }
dir="$work/speedscope"
if [ ! -f "$dir/node_modules/speedscope/dist/release/index.html" ]; then
  command -v npm > /dev/null || { echo "SKIPPED: npm is not installed"; exit 77; }
  npm install --silent --no-audit --no-fund --prefix "$dir" speedscope@1.25.0 > /dev/null 2>&1 ||
    { echo "SKIPPED: npm could not install speedscope"; exit 77; }
fi
release="$dir/node_modules/speedscope/dist/release"
SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$vp" --workload bert-base-128 --seq-len 64 --layers 1 --no-compare --quiet \
  --timeline "$release/run-timeline.json" > /dev/null
port=$((20000 + RANDOM % 20000))
(cd "$release" && exec /usr/bin/python3 -m http.server $port --bind 127.0.0.1 > /dev/null 2>&1) & http=$!
trap 'kill $http 2>/dev/null || true' EXIT
sleep 1
dom=$(timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" \
  --virtual-time-budget=15000 --dump-dom \
  "http://127.0.0.1:$port/index.html#profileURL=http://127.0.0.1:$port/run-timeline.json&title=energon-vp" 2>/dev/null)
case "$dom" in
  *"energon-vp"*"(1/8)"*) echo "check_timeline_viewer: speedscope shows the timeline, 8 tracks" ;;
  *) echo "check_timeline_viewer: speedscope did not show the 8 tracks"; echo "$dom" | head -c 2000; exit 1 ;;
esac
