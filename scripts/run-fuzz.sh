#!/usr/bin/env bash
# Builds the libFuzzer targets (testbenches/fuzz, clang + ASan + UBSan) and runs each for a bounded
# time from its seed corpus; a crash, sanitizer report, leak, hang or oversized allocation fails.
# Usage: scripts/run-fuzz.sh [seconds per target (default 20)] [ctest args...]
#   e.g. scripts/run-fuzz.sh 3600 -R fuzz_gguf   (an hour on one target)
# Installs clang and its libFuzzer runtime when missing (as root). Set-up: docs/hardening.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ENERGON_FUZZ_BUILD_DIR:-$here/build-fuzz}"
seconds="${1:-20}"
shift || true
case "$seconds" in ''|*[!0-9]*) echo "run-fuzz: seconds per target must be a whole number, got '$seconds'" >&2; exit 2;; esac

packages=(clang libclang-rt-14-dev libyaml-cpp-dev cmake)
. "$here/scripts/install-missing.sh"
install_missing run-fuzz "${packages[@]}"

cmake -S "$here/testbenches/fuzz" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DENERGON_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
ctest --output-on-failure -j "$(nproc)" -L fuzz "$@"
