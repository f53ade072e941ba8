#!/usr/bin/env bash
# Installs what the build needs on Debian bookworm (as root), configures and builds.
# Usage: scripts/bootstrap.sh [build-dir [target...]]   (default: build, all targets)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build}"
shift || true
targets=()
for t in "$@"; do targets+=(--target "$t"); done

packages=(build-essential cmake pkg-config libsystemc-dev libboost-dev libboost-program-options-dev
          libyaml-cpp-dev catch2 nlohmann-json3-dev python3-numpy python3-matplotlib python3-pytest
          python3-yaml slurm-wlm munge  # energon-sweep and its Slurm test (docs/sweeps.md)
          clang-format clang-tidy)      # the static checks (docs/hardening.md)
. "$here/scripts/install-missing.sh"
install_missing bootstrap "${packages[@]}"

jobs="$(nproc)"
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" ${ENERGON_CMAKE_ARGS:-}
cmake --build "$build" -j "$jobs" "${targets[@]}"
