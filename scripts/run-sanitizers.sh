#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer):
# configures build-asan/ with ENERGON_SANITIZE=ON, builds and runs ctest there. Any sanitizer
# report fails its test. Usage: scripts/run-sanitizers.sh [ctest args...]   (docs/hardening.md)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ENERGON_ASAN_BUILD_DIR:-$here/build-asan}"
ENERGON_CMAKE_ARGS="-DENERGON_SANITIZE=ON ${ENERGON_CMAKE_ARGS:-}" CMAKE_BUILD_TYPE=RelWithDebInfo \
  "$here/scripts/bootstrap.sh" "$build"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
# SystemC switches between thread stacks (QuickThreads coroutines): ASan's fake stacks for
# use-after-return cannot follow, so that one check is off. Leaks inside libsystemc itself (its
# kernel is never torn down at exit) are suppressed by library name; leaks in this project's code
# are reported.
export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=0:halt_on_error=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$here/scripts/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
cd "$build"
# The static checks (clang-format, clang-tidy) do not depend on the build flavour: left to the
# normal suite.
ctest --output-on-failure -j "$(nproc)" --timeout 1800 -LE static "$@"
