#!/usr/bin/env bash
# Installs what crystal-rl needs on Debian bookworm, by package name. Idempotent: a machine that
# has everything installs nothing. Usage: scripts/install-deps.sh [build|test]
set -euo pipefail

build_packages=(
    build-essential cmake pkg-config
    libmgba-dev sdcc
    nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libboost-dev
    libcurl4-openssl-dev libsqlite3-dev libpng-dev libjpeg62-turbo-dev zlib1g-dev libssl-dev
    libtorch-dev
    # libtorch does its matrix products through libblas.so.3; without OpenBLAS that is the
    # reference BLAS, and PPO's learner then takes 64 % of training time instead of 42 %.
    # The serial build: the envs' threads already use every core.
    libopenblas0-serial
    pybind11-dev python3-dev python3-numpy
)
test_packages=(googletest libgtest-dev libgmock-dev clang-format python3 python3-wsproto chromium nodejs npm python3-pytest python3-torch)

wanted=("${build_packages[@]}")
if [ "${1:-build}" = "test" ]; then wanted+=("${test_packages[@]}"); fi

# Node.js may come from elsewhere (e.g. a nodesource build that bundles npm, which conflicts
# with Debian's npm package): a working command counts as installed.
provided_by_command() {
    case "$1" in
        nodejs) command -v node >/dev/null ;;
        npm) command -v npm >/dev/null ;;
        *) return 1 ;;
    esac
}

missing=()
for pkg in "${wanted[@]}"; do
    if provided_by_command "$pkg"; then continue; fi
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi
