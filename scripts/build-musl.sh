#!/usr/bin/env bash
# Builds the static Linux binary (release profile, Cargo.lock as committed)
# and proves it static: `file` must say statically linked and `ldd` must find
# no shared library. Prints the binary's path on stdout.
#
#   bash scripts/build-musl.sh [TARGET]     # default: <this machine's arch>-unknown-linux-musl
#
# Needs scripts/install-cross-deps.sh musl.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-$(uname -m)-unknown-linux-musl}

# ring compiles C: with musl's gcc wrapper, not the host's glibc compiler.
cc_var=CC_${target//-/_}
export "$cc_var=${!cc_var:-musl-gcc}"

cargo build --release --locked --quiet --target "$target" --bin dbsecrets >&2
bin=target/$target/release/dbsecrets

kind=$(file -b "$bin")
case $kind in
*"statically linked"* | *"static-pie linked"*) ;;
*) echo "$bin is not static: file says: $kind" >&2; exit 1 ;;
esac
# ldd fails on a static binary ("not a dynamic executable") or says "statically linked".
if libs=$(ldd "$bin" 2>&1) && [[ $libs != *"statically linked"* ]]; then
    echo "$bin loads shared libraries: $libs" >&2
    exit 1
fi
linked=$(grep -oE '(static-pie|statically) linked' <<<"$kind")
echo "static: file says '$linked'; ldd says '$(tr -d '\t' <<<"$libs")'" >&2
echo "$bin"
