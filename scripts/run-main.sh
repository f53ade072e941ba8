#!/usr/bin/env bash
# The main job on the built-in default workload: installs what is missing (as root), builds,
# then runs synthetic BERT-base (n = 512) through the platform. Extra arguments go to the run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ENERGON_BUILD_DIR:-$here/build}"
"$here/scripts/bootstrap.sh" "$build" energon-vp
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
exec "$build/bin/energon-vp" "$@"  # defaults: --workload bert-base-512 --policy mpmrf --compare
