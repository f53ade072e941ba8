#!/usr/bin/env bash
# The whole test suite: installs what is missing (as root), builds with tests, runs ctest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ENERGON_BUILD_DIR:-$here/build}"
"$here/scripts/bootstrap.sh" "$build"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
cd "$build"
ctest --output-on-failure -j "$(nproc)" --timeout 600 "$@"
