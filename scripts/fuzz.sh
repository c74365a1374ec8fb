#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets, see fuzz/README.md) for SECONDS
# each (default 30), from its corpus in the repository. Fails on the first
# crash, failed assertion, timeout or memory blow-up; the input is left in
# fuzz/artifacts/<target>/.
#
# cargo-fuzz comes from crates.io when it is missing. The machine's default
# toolchain builds the targets, with RUSTC_BOOTSTRAP=1 for the -Z flags
# cargo-fuzz passes, and no sanitizer (-s none): no other toolchain can be
# installed here, and the code has no unsafe for AddressSanitizer to watch.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "-- installing cargo-fuzz from crates.io"
    cargo install cargo-fuzz --version 0.13.2 --locked --quiet
fi
export RUSTC_BOOTSTRAP=1

echo "-- building the fuzz targets"
cargo fuzz build -s none

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for target in $(cargo fuzz list); do
    echo "-- $target: ${seconds} s from fuzz/corpus/$target"
    mkdir -p "$work/$target"
    # New inputs go to the temporary directory: the repository's corpus is
    # read only, and grows by hand.
    log="$work/$target.log"
    if cargo fuzz run -s none "$target" "$work/$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$log" 2>&1; then
        grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done )' "$log" | tr '\n' ' ' || true
        echo
    else
        status=$?
        tail -n 60 "$log"
        echo "fuzz target $target failed (exit $status); the input is in fuzz/artifacts/$target/"
        exit 1
    fi
done
echo "fuzzing: every target ran ${seconds} s without a failure"
