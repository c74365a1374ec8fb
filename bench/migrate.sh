#!/usr/bin/env bash
# Benchmark of `dbsecrets migrate`: a scope of 1,000 secrets (mixed case and
# dots, so most are renamed) into a Unity Catalog schema of the local emulator,
# with 100 ms of latency per request and --rate-limit 200. A migration sends,
# per key, one get (the plan reads every value), one create and one read back
# (the verification), plus a few listings: the rate limit alone allows them in
# REQUESTS / 200 seconds. The emulator counts the requests (--verbose logs one
# line each); the script prints the time, that floor and their ratio (the
# target is 1.3 or less), and the failures (the target is none). A script, not
# a test: it exits 0 whatever the numbers.
#
#   nice bash bench/migrate.sh         # N=1000 LATENCY_MS=100 RATE=200 JOBS=32
#   N=200 JOBS=8 bash bench/migrate.sh
#
# JOBS: at 100 ms per request, 200 requests per second need 20 in flight.
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

"$BIN" emulator --port 0 --latency-ms "$LATENCY_MS" --uc-schema main.bench --verbose \
    >"$WORK/url" 2>"$WORK/requests.log" &
EMU_PID=$!
for _ in $(seq 100); do
    [ -s "$WORK/url" ] && break
    sleep 0.05
done
URL=$(head -n1 "$WORK/url")
if [ -z "$URL" ]; then
    echo "the emulator did not start:"; cat "$WORK/requests.log"
    exit 0
fi
export HOME="$WORK" DATABRICKS_HOST="$URL" DATABRICKS_TOKEN=bench
echo "== emulator at $URL, ${LATENCY_MS} ms per request"

# The scope: 1,000 keys such as App.Key.0001, 40 to 60 bytes each.
{
    printf '{'
    for i in $(seq -f '%04g' 1 "$N"); do
        [ "$i" != "0001" ] && printf ','
        printf '"App.Key.%s": "value-%s-%s%s"' "$i" "$i" "$RANDOM$RANDOM" "$RANDOM$RANDOM"
    done
    printf '}\n'
} >"$WORK/scope.json"
"$BIN" import bench "$WORK/scope.json" --create-scope --rate-limit 2000 --jobs 64 -q >/dev/null ||
    { echo "seeding the scope failed"; exit 0; }

before=$(wc -l <"$WORK/requests.log")
now() { date +%s.%N; }
echo "== dbsecrets migrate: $N secrets, --rate-limit $RATE --jobs $JOBS"
start=$(now)
"$BIN" migrate bench main.bench --rate-limit "$RATE" --jobs "$JOBS" -o csv >"$WORK/report.csv"
code=$?
end=$(now)
sleep 0.2 # the last log lines
tail -n +"$((before + 1))" "$WORK/requests.log" >"$WORK/migrate.log"
requests=$(wc -l <"$WORK/migrate.log")
refused=$(grep -vc -- '-> 200$' "$WORK/migrate.log")
# The keys section of the report: key,name,action,result,reason.
verified=$(awk -F, 'NF == 0 { exit } NR > 1 && ($4 == "migrated" || $4 == "renamed")' "$WORK/report.csv" | wc -l)
failed=$(awk -F, 'NF == 0 { exit } NR > 1 && $4 != "migrated" && $4 != "renamed"' "$WORK/report.csv" | wc -l)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
floor=$(awk -v r="$requests" -v rate="$RATE" 'BEGIN { printf "%.2f", r / rate }')
ratio=$(awk -v s="$secs" -v f="$floor" 'BEGIN { if (f > 0) printf "%.2f", s / f; else print "n/a" }')
echo
echo "N=$N latency=${LATENCY_MS}ms rate-limit=$RATE jobs=$JOBS"
echo "dbsecrets migrate: ${secs} s, exit $code, $verified verified, $failed not verified"
echo "requests: $requests ($refused not 200); the rate limit alone allows them in ${floor} s"
echo "ratio: ${ratio}x (target: 1.3x or less, zero failures)"
exit 0
