#!/usr/bin/env bash
# faultline set-up on Debian 12: installs what is missing, builds, then runs the demo or
# every test. Safe to run again: installed packages and up-to-date builds are skipped.
#
#   scripts/setup.sh demo     # build (release) and walk the fault process against the sandbox
#   scripts/setup.sh test     # build (ASan + UBSan) and run every test, Prism contract check included,
#                             # then every fuzz target over its corpus (fuzz/run --brief, clang 16)
#   scripts/setup.sh package  # build (release) and make the Debian packages in build/release/packages/:
#                             # faultline_<version>_<arch>.deb and faultline-sandbox_<version>_<arch>.deb
set -euo pipefail

mode="${1:-}"
case "$mode" in
  demo|test|package) ;;
  *) echo "usage: scripts/setup.sh demo|test|package" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

packages=(g++ cmake ninja-build pkg-config ca-certificates tzdata curl
  libcurl4-openssl-dev nlohmann-json3-dev libcli11-dev libfmt-dev catch2 libtomlplusplus-dev
  libkainjow-mustache-dev libcpp-httplib-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libssl-dev
  libhowardhinnant-date-dev libcairo2-dev libxlsxwriter-dev libboost-math-dev libcsv-dev fonts-dejavu-core)
if [ "$mode" = test ]; then
  packages+=(python3-jira)  # tests/sandbox/clients: python-jira against the sandbox
fi
if [ "$mode" = test ] && ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi
if [ "$mode" = test ]; then
  packages+=(clang-16 libfuzzer-16-dev libclang-rt-16-dev)  # the fuzz targets (fuzz/README.md)
  packages+=(zsh fish man-db)  # tests/packaging: the completion scripts and the man page
fi
if [ "$mode" = test ] || [ "$mode" = package ]; then
  packages+=(dpkg-dev file)  # cpack's Debian generator: dpkg-shlibdeps, and file to find the binaries
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup: run as root or install sudo" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs="$(nproc 2>/dev/null || echo 2)"

if [ "$mode" = demo ]; then
  # Warnings are errors in development and CI builds; a user's optimised build only shows them.
  cmake --preset release >/dev/null
  cmake --build build/release -j "$jobs" --target faultline faultline-sandbox
  exec "$root/scripts/demo.sh" "$root/build/release"
fi

if [ "$mode" = package ]; then
  cmake --preset release >/dev/null
  cmake --build build/release -j "$jobs"
  (cd build/release && cpack -G DEB >/dev/null)
  echo "setup: built $(ls build/release/packages/*.deb | tr '\n' ' ')" >&2
  echo "setup: install with: sudo apt install ./build/release/packages/faultline_*.deb" >&2
  exit 0
fi

# test: the validating proxy for the contract check, into .tools/ (npm registry only).
if [ ! -x .tools/node_modules/.bin/prism ]; then
  echo "setup: installing @stoplight/prism-cli into .tools/" >&2
  npm install --silent --no-audit --no-fund --prefix .tools @stoplight/prism-cli@5 >/dev/null
fi
# jira.js, the Node client the sandbox's Cloud flavor is checked with (tests/sandbox/clients).
if [ ! -f .tools/node_modules/jira.js/package.json ]; then
  echo "setup: installing jira.js into .tools/" >&2
  npm install --silent --no-audit --no-fund --prefix .tools jira.js@5 >/dev/null
fi
# The test build (CMakePresets.json "test"): ASan + UBSan at -O0 with line tables, which
# compiles in about half the time of -O1 (bench/README.md); warnings as errors.
cmake --preset test >/dev/null
cmake --build build/test -j "$jobs"
export FAULTLINE_PRISM="$root/.tools/node_modules/.bin/prism"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build/test --output-on-failure -j "$jobs"
# Every fuzz target over its corpus (seconds): the libFuzzer build, CMakePresets.json "fuzz".
"$root/fuzz/run" --brief
