#!/usr/bin/env bash
# The whole test suite: installs what is missing (as root), builds with tests, runs ctest, then the
# libFuzzer targets for a bounded time each (scripts/run-fuzz.sh; ENERGON_FUZZ_SECONDS, default 20).
# Arguments go to ctest (e.g. -R golden); with arguments the fuzz step is left out.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ENERGON_BUILD_DIR:-$here/build}"
"$here/scripts/bootstrap.sh" "$build"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
(cd "$build" && ctest --output-on-failure -j "$(nproc)" --timeout 600 "$@")
if [ $# -eq 0 ]; then
  "$here/scripts/run-fuzz.sh" "${ENERGON_FUZZ_SECONDS:-20}"
fi
