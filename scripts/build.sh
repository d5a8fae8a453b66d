#!/usr/bin/env bash
#===- scripts/build.sh - configure and build ds ---------------------------===#
#
# Configures <repo>/build with Ninja (ccache when present) and builds it.
# Warnings in project code are errors. BUILD_DIR and BUILD_TYPE override the
# defaults; extra arguments go to CMake.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
build_type=${BUILD_TYPE:-Release}
jobs=${JOBS:-$(nproc)}

if [[ ! -f $build_dir/build.ninja ]]; then
  cmake -S "$root" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE="$build_type" \
    -DDS_ENABLE_WERROR=ON "$@"
fi
cmake --build "$build_dir" -j "$jobs"
