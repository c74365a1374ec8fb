#!/usr/bin/env bash
# Builds the release binary for one target and packs it as a release asset:
#   dist/dbsecrets-TARGET.tar.gz   (Windows: dist/dbsecrets-TARGET.zip), holding
#                                  dbsecrets-TARGET/{dbsecrets[.exe],README.md,LICENSE}
#   dist/<archive>.sha256          its SHA-256, in sha256sum's format
# Linux (musl) through scripts/build-musl.sh, checked static; Windows through
# scripts/build-windows.sh, cross-built with MinGW-w64 and its DLLs checked;
# macOS with cargo on a Mac. Prints the archive's path.
#
#   bash scripts/build-release.sh x86_64-unknown-linux-musl
#
# Targets: {x86_64,aarch64}-unknown-linux-musl (on a Linux machine of that
# architecture), {x86_64,aarch64}-apple-darwin, x86_64-pc-windows-gnu.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: bash scripts/build-release.sh TARGET}

case $target in
*-unknown-linux-musl) bin=$(bash scripts/build-musl.sh "$target") ;;
x86_64-pc-windows-gnu) bin=$(bash scripts/build-windows.sh) ;;
*-apple-darwin)
    cargo build --release --locked --quiet --target "$target" --bin dbsecrets
    bin=target/$target/release/dbsecrets
    ;;
*) echo "$0: no release build for $target" >&2; exit 2 ;;
esac

name=dbsecrets-$target
dist=$PWD/dist
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name" "$dist"
cp "$bin" README.md LICENSE "$stage/$name/"
case $target in
*-windows-*)
    archive=$name.zip
    rm -f "$dist/$archive"
    (cd "$stage" && python3 -m zipfile -c "$dist/$archive" "$name")
    ;;
*)
    archive=$name.tar.gz
    # COPYFILE_DISABLE: no macOS metadata files (._*) in the archive.
    COPYFILE_DISABLE=1 tar -C "$stage" -czf "$dist/$archive" "$name"
    ;;
esac
(
    cd "$dist"
    if command -v sha256sum >/dev/null; then
        sha256sum "$archive"
    else
        shasum -a 256 "$archive"
    fi
) >"$dist/$archive.sha256"
echo "dist/$archive"
