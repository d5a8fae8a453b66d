#!/usr/bin/env bash
#===- scripts/test.sh - set up, build and run the whole test suite --------===#
#
# From a fresh clone: installs the toolchain (scripts/setup.sh), builds, and
# runs every test through CTest (the lit suite, unit tests, doc checks).
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}

"$root/scripts/setup.sh"
"$root/scripts/build.sh"
ctest --test-dir "$build_dir" --output-on-failure -j "${JOBS:-$(nproc)}"
