#!/usr/bin/env bash
# Build-time benchmark: how long the test tree takes to build, clean and incrementally.
#
#   bench/build-time.sh [SOURCE_DIR] [BUILD_DIR] [-DEXTRA=...]
#
# Measures, with the exact configuration of `scripts/setup.sh test` (the "test" preset of
# CMakePresets.json: ASan + UBSan, warnings as errors):
#   1. clean: configure + build of every target into an empty BUILD_DIR (ccache disabled);
#   2. touch core: touch one source file in src/core/, rebuild test_core, run its tests;
#   3. touch cli:  touch one command file in src/cli/commands/, rebuild test_cli and the
#                  faultline binary, run the cli tests.
# Prints one "name seconds" line per figure and keeps them in BUILD_DIR/build-time.txt.
# Run it on an otherwise idle machine: it measures wall-clock time.
set -euo pipefail

source_dir="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)"
build_dir="${2:-$source_dir/build/bench-build-time}"
shift $(( $# < 2 ? $# : 2 ))
jobs="$(nproc 2>/dev/null || echo 2)"
export CCACHE_DISABLE=1

seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
results=()
record() { results+=("$1 $2"); echo "build-time: $1 $2 s" >&2; }

rm -rf "$build_dir"
start=$(seconds)
(cd "$source_dir" && cmake --preset test -B "$build_dir" "$@" >/dev/null)
cmake --build "$build_dir" -j "$jobs" >/dev/null
record clean_build "$(elapsed "$start" "$(seconds)")"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# A file both layouts have, in the pure core and in the command layer.
touch_and_test() { # name source-file ctest-regex targets...
  local name="$1" file="$2" tests="$3"; shift 3
  touch "$source_dir/$file"
  local begin; begin=$(seconds)
  cmake --build "$build_dir" -j "$jobs" --target "$@" >/dev/null
  ctest --test-dir "$build_dir" -R "$tests" -j "$jobs" >/dev/null
  record "$name" "$(elapsed "$begin" "$(seconds)")"
}
touch_and_test touch_core_test_core src/core/fault.cpp '^core$' test_core
touch_and_test touch_cli_test_cli src/cli/commands/open.cpp '^cli$' test_cli faultline faultline-sandbox

printf '%s\n' "${results[@]}" | tee "$build_dir/build-time.txt"
