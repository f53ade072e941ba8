#!/bin/bash
# Screenshots of docs/debugging.md from a real run (scripts/debug_example.py): the VCD in GTKWave under
# Xvfb, and the timeline in speedscope (npm) in headless Chromium, both offline.
# Needs Debian's gtkwave, xvfb, x11-apps, imagemagick, chromium and `npm install --prefix DIR speedscope`.
# Usage: scripts/debug_screenshots.sh RUN_DIR SPEEDSCOPE_DIR OUT_DIR
set -euo pipefail
run=$(cd "$1" && pwd); speedscope="$2/node_modules/speedscope/dist/release"; out=$(mkdir -p "$3" && cd "$3" && pwd)
[ -f "$speedscope/index.html" ] || { echo "debug_screenshots: no speedscope in $2 (npm install --prefix $2 speedscope)" >&2; exit 2; }

# GTKWave: the signals of the example, zoomed to the whole run.
cat > "$run/gtkwave.tcl" <<'TCL'
set signals [list SystemC.irq SystemC.controller_busy SystemC.fetch_busy SystemC.filter_engine_busy \
  SystemC.selector_busy SystemC.attention_engine_busy SystemC.dram_busy SystemC.host_busy \
  SystemC.job_index SystemC.queue_tail SystemC.queue_head SystemC.row_buffer_fill]
gtkwave::addSignalsFromList $signals
gtkwave::/Time/Zoom/Zoom_Full
TCL
Xvfb :77 -screen 0 1600x900x24 -nolisten tcp & xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1
DISPLAY=:77 gtkwave -S "$run/gtkwave.tcl" "$run/example.vcd" > /dev/null 2>&1 & gtk=$!
sleep 4
DISPLAY=:77 xwd -root -silent | /usr/bin/convert xwd:- -crop 1600x700+0+0 "$out/debugging-gtkwave.png"
kill $gtk 2>/dev/null || true

# speedscope: serve it and the timeline on loopback, screenshot with headless Chromium.
cp "$run/example.json" "$speedscope/example-timeline.json"
port=18765
(cd "$speedscope" && /usr/bin/python3 -m http.server $port --bind 127.0.0.1 > /dev/null 2>&1) & http=$!
trap 'kill $xvfb $http 2>/dev/null || true' EXIT
sleep 1
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" --window-size=1600,900 \
  --virtual-time-budget=15000 --screenshot="$out/debugging-timeline.png" \
  "http://127.0.0.1:$port/index.html#profileURL=http://127.0.0.1:$port/example-timeline.json&title=energon-vp" \
  > /dev/null 2>&1
rm -f "$speedscope/example-timeline.json"
echo "debug_screenshots: $out/debugging-gtkwave.png $out/debugging-timeline.png"
