#!/usr/bin/env bash
# Installs what the cross builds need, only what is missing, without asking:
#   windows  the rustup target x86_64-pc-windows-gnu and MinGW-w64's C compiler
#            and linker (Debian/Ubuntu package gcc-mingw-w64-x86-64-win32)
#   musl     the rustup target <arch>-unknown-linux-musl and musl-gcc (musl-tools)
# plus `file`, which the build scripts use to check what they made.
#
#   bash scripts/install-cross-deps.sh windows musl
#
# Packages come from apt-get (Debian, Ubuntu): as root, or through `sudo -n`
# (a CI runner's passwordless sudo). Nothing is asked on a terminal.
set -euo pipefail

targets=() packages=()
want_target() {
    rustup target list --installed | grep -qx "$1" || targets+=("$1")
}
want_command() { # COMMAND PACKAGE
    command -v "$1" >/dev/null || packages+=("$2")
}

[[ $# -gt 0 ]] || { echo "usage: $0 windows|musl..." >&2; exit 2; }
for what in "$@"; do
    case $what in
    windows)
        want_target x86_64-pc-windows-gnu
        want_command x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64-win32
        ;;
    musl)
        want_target "$(uname -m)-unknown-linux-musl"
        want_command musl-gcc musl-tools
        ;;
    *) echo "$0: unknown '$what' (windows or musl)" >&2; exit 2 ;;
    esac
done
want_command file file

if ((${#targets[@]})); then
    echo "rustup target add ${targets[*]}"
    rustup target add "${targets[@]}"
fi
if ((${#packages[@]})); then
    sudo=()
    [[ $(id -u) == 0 ]] || sudo=(sudo -n)
    export DEBIAN_FRONTEND=noninteractive
    apt=("${sudo[@]}" apt-get -q -y -o DPkg::Lock::Timeout=300)
    echo "apt-get install ${packages[*]}"
    # A new machine's package lists may be missing or stale: update first.
    "${apt[@]}" update </dev/null >/dev/null
    "${apt[@]}" install --no-install-recommends "${packages[@]}" </dev/null >/dev/null
fi
