#!/usr/bin/env bash
# Windows from Linux, with MinGW-w64 (target x86_64-pc-windows-gnu):
#   --check   first: every crate and every test target compiles for Windows,
#             lint-clean (cargo clippy -D warnings, which includes cargo check)
# then the release .exe is built and linked (Cargo.lock as committed), and
# checked to be a 64-bit Windows console program that loads no MinGW runtime
# DLL (libgcc_s, libwinpthread, libstdc++), only Windows' own. Prints its path.
#
#   bash scripts/build-windows.sh [--check]
#
# Needs scripts/install-cross-deps.sh windows. Running the .exe needs Windows
# (wine lacks bcryptprimitives.dll): the CI workflow does that.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu

if [[ ${1:-} == --check ]]; then
    cargo clippy --quiet --target "$target" --workspace --all-targets -- -D warnings >&2
    echo "check: the workspace and all its test targets compile for $target, no warnings" >&2
fi

cargo build --release --locked --quiet --target "$target" --bin dbsecrets >&2
exe=target/$target/release/dbsecrets.exe

kind=$(file -b "$exe")
[[ $kind == "PE32+ executable (console) x86-64"* ]] || {
    echo "$exe is not a 64-bit Windows console program: $kind" >&2
    exit 1
}
dlls=$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^[[:space:]]*DLL Name: //p' | sort -fu)
if grep -i '^lib' <<<"$dlls" >&2; then
    echo "$exe needs the MinGW runtime DLLs above, which Windows does not have" >&2
    exit 1
fi
echo "linked: ${kind%%,*}; loads $(tr '\n' ' ' <<<"$dlls")" >&2
echo "$exe"
