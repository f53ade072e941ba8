#!/usr/bin/env bash
# Regenerates the part of docs/register-map.md between the GENERATED markers from
# energon_regs.h. Usage: scripts/gen-register-map.sh [path/to/energon-regmap]
# (default: builds it in ./build).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool="${1:-}"
if [ -z "$tool" ]; then
  build="${ENERGON_BUILD_DIR:-$here/build}"
  [ -f "$build/CMakeCache.txt" ] || cmake -S "$here" -B "$build" >/dev/null
  cmake --build "$build" --target energon-regmap >/dev/null
  tool="$build/bin/energon-regmap"
fi
doc="$here/docs/register-map.md"
generated="$(mktemp)"
trap 'rm -f "$generated" "$doc.new"' EXIT
"$tool" >"$generated"
grep -q '^<!-- BEGIN GENERATED -->$' "$doc" && grep -q '^<!-- END GENERATED -->$' "$doc" || {
  echo "gen-register-map: $doc lacks the <!-- BEGIN GENERATED --> / <!-- END GENERATED --> lines" >&2
  exit 1
}
awk -v gen="$generated" '
  /^<!-- BEGIN GENERATED -->$/ { print; while ((getline line < gen) > 0) print line; skip = 1; next }
  /^<!-- END GENERATED -->$/ { skip = 0 }
  !skip { print }
' "$doc" >"$doc.new"
mv "$doc.new" "$doc"
echo "gen-register-map: updated $doc"
