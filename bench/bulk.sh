#!/usr/bin/env bash
# Benchmark of `dbsecrets import`: 1,000 secrets into the local emulator with
# 100 ms of latency per request and --rate-limit 200, against the same 1,000
# puts as a sequential loop of the official Python SDK (databricks-sdk), when
# one can be had. Prints both times and their ratio. A script, not a test: it
# exits 0 whatever the numbers (and when the SDK cannot be installed).
#
#   bash bench/bulk.sh                 # N=1000 LATENCY_MS=100 RATE=200 JOBS=32
#   N=200 JOBS=8 bash bench/bulk.sh
#
# JOBS: at 100 ms per request, 200 requests per second need 20 in flight;
# the default of `--jobs` (8) tops out at 80 per second.
set -uo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000}
LATENCY_MS=${LATENCY_MS:-100}
RATE=${RATE:-200}
JOBS=${JOBS:-32}
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
BIN="$TARGET/release/dbsecrets"
WORK=$(mktemp -d)
EMU_PID=""
cleanup() {
    [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building the release binary"
if ! cargo build --release --quiet; then
    echo "build failed; no benchmark"
    exit 0
fi

latency=()
if "$BIN" emulator --help | grep -q -- '--latency-ms'; then
    latency=(--latency-ms "$LATENCY_MS")
else
    echo "warning: this emulator has no --latency-ms; measuring without injected latency"
    LATENCY_MS=0
fi
"$BIN" emulator --port 0 "${latency[@]}" >"$WORK/url" 2>"$WORK/emulator.log" &
EMU_PID=$!
for _ in $(seq 100); do
    [ -s "$WORK/url" ] && break
    sleep 0.05
done
URL=$(head -n1 "$WORK/url")
if [ -z "$URL" ]; then
    echo "the emulator did not start:"; cat "$WORK/emulator.log"
    exit 0
fi
export HOME="$WORK" DATABRICKS_HOST="$URL" DATABRICKS_TOKEN=bench
echo "== emulator at $URL, ${LATENCY_MS} ms per request"

for i in $(seq -f '%04g' 1 "$N"); do
    printf 'key_%s=value-%s-%s\n' "$i" "$i" "$RANDOM$RANDOM"
done >"$WORK/bench.env"
"$BIN" create-scope bench -q
"$BIN" create-scope bench-sdk -q

now() { date +%s.%N; }

echo "== dbsecrets import: $N secrets, --rate-limit $RATE --jobs $JOBS"
start=$(now)
"$BIN" import bench "$WORK/bench.env" --rate-limit "$RATE" --jobs "$JOBS" -o csv >"$WORK/report.csv"
code=$?
end=$(now)
ours=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
ok=$(grep -c ',ok,' "$WORK/report.csv")
failed=$(grep -c ',failed,' "$WORK/report.csv")
echo "dbsecrets: ${ours} s, exit $code, $ok ok, $failed failed"

echo "== the same $N puts as a sequential databricks-sdk loop"
PY=""
if python3 -c 'import databricks.sdk' 2>/dev/null; then
    PY=python3
elif [ -x bench/.venv/bin/python ] && bench/.venv/bin/python -c 'import databricks.sdk' 2>/dev/null; then
    PY=bench/.venv/bin/python
elif command -v python3 >/dev/null &&
    python3 -m venv bench/.venv >/dev/null 2>&1 &&
    bench/.venv/bin/pip install --quiet --disable-pip-version-check databricks-sdk >/dev/null 2>&1; then
    PY=bench/.venv/bin/python
fi
if [ -z "$PY" ]; then
    echo "databricks-sdk is not available (no python3, or it cannot be installed): SDK loop skipped"
    exit 0
fi

cat >"$WORK/sdk_loop.py" <<'EOF'
import os, sys, time
from databricks.sdk import WorkspaceClient

w = WorkspaceClient(host=os.environ["DATABRICKS_HOST"], token=os.environ["DATABRICKS_TOKEN"], auth_type="pat")
entries = []
with open(sys.argv[1]) as f:
    for line in f:
        k, v = line.rstrip("\n").split("=", 1)
        entries.append((k, v))
start = time.monotonic()
for k, v in entries:
    w.secrets.put_secret(scope="bench-sdk", key=k, string_value=v)
print(f"{time.monotonic() - start:.2f}")
EOF
sdk=$(DATABRICKS_CONFIG_FILE=/dev/null "$PY" "$WORK/sdk_loop.py" "$WORK/bench.env" 2>"$WORK/sdk.log" | tail -n1)
if [ -z "$sdk" ]; then
    echo "the SDK loop failed:"; tail -n5 "$WORK/sdk.log"
    exit 0
fi
echo "databricks-sdk loop: ${sdk} s"
ratio=$(awk -v a="$ours" -v b="$sdk" 'BEGIN { if (a > 0) printf "%.1f", b / a; else print "n/a" }')
echo
echo "N=$N latency=${LATENCY_MS}ms rate-limit=$RATE jobs=$JOBS"
echo "dbsecrets import: ${ours} s ($failed failed)   sequential SDK loop: ${sdk} s   ratio: ${ratio}x"
exit 0
