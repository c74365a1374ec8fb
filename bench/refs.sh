#!/usr/bin/env bash
# Performance of `dbsecrets run`, measured in one run on this machine against the
# bundled emulator on 127.0.0.1, the commands alternating round by round
# (bench/measure.py):
#   1. `run` resolving 20 distinct references (10 workspace, 10 Unity Catalog)
#      before starting `true`, against one `dbsecrets get`: at the default rate
#      limit (15 requests per second, which spaces 20 requests over 1.3 s) and
#      with --rate-limit 1000000 (the references then go out at once).
#   2. The masking filter: `run -- cat FILE` passing 100 MB of output that holds
#      the 20 values (and near misses) to /dev/null, against `--no-masking`
#      (the command writes to /dev/null directly).
# It prints two tables and the targets of issue 14, and always exits 0: it is a
# benchmark, not a test. Run it under `nice` on a shared machine.
#
#   nice bash bench/refs.sh        # ROUNDS=30 SLOW_ROUNDS=5 MB=100 to change the counts
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROUNDS=${ROUNDS:-30}
SLOW_ROUNDS=${SLOW_ROUNDS:-5}
MB=${MB:-100}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

echo "# building the release binary"
cargo build --release --quiet
BIN=$TARGET/release/dbsecrets

exec 3< <(exec "$BIN" emulator --port 0 --uc-schema main.bench 2>/dev/null)
EMULATOR_PID=$!
WORK=$(mktemp -d)
trap 'kill "$EMULATOR_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
read -r URL <&3
export HOME=$WORK DATABRICKS_HOST=$URL DATABRICKS_TOKEN=bench-token

echo "# 20 secrets: bench/k01..k10 and main.bench.u01..u10"
"$BIN" create-scope bench -q
for i in 01 02 03 04 05 06 07 08 09 10; do
    "$BIN" put bench "k$i" --value "workspace-value-$i-$(printf '%040d' 0)" -q
    "$BIN" uc put "main.bench.u$i" --value "uc-value-$i-abcdefghijklmnopqrstuvwxyz" -q
done

echo "# ${MB} MB of command output holding the values, and near misses"
python3 - "$WORK/output.txt" "$MB" <<'PYEOF'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
values = [f"workspace-value-{i:02d}-{0:040d}" for i in range(1, 11)]
values += [f"uc-value-{i:02d}-abcdefghijklmnopqrstuvwxyz" for i in range(1, 11)]
lines = []
for n in range(2000):
    v = values[n % len(values)]
    lines.append(f"{n:08d} INFO request handled in 12 ms, user=someone@example.com token={v}\n")
    lines.append(f"{n:08d} DEBUG almost {v[:-3]} but not quite; {'x' * 120}\n")
block = "".join(lines).encode()
with open(path, "wb") as f:
    left = mb * 1_000_000
    while left > 0:
        f.write(block[:left])
        left -= len(block)
PYEOF

python3 - "$BIN" "$WORK" > "$WORK/spec.json" <<'PYEOF'
import json, os, sys
bin_, work = sys.argv[1:]
env = {k: os.environ[k] for k in ("HOME", "DATABRICKS_HOST", "DATABRICKS_TOKEN", "PATH")}
refs = dict(env)
for i in range(1, 11):
    refs[f"W{i:02d}"] = "{{secrets/bench/k%02d}}" % i
    refs[f"U{i:02d}"] = "{{secrets/main.bench.u%02d}}" % i
true = "/bin/true" if os.path.exists("/bin/true") else "/usr/bin/true"
out = f"{work}/output.txt"
json.dump([
    {"name": "dbsecrets get (one value)", "argv": [bin_, "get", "bench", "k01"], "env": env},
    {"name": "run: 20 references, then true (--rate-limit 1000000)", "argv": [bin_, "--rate-limit", "1000000", "run", "--", true], "env": refs},
    {"name": "run: 20 references, then true (default rate limit 15/s)", "argv": [bin_, "run", "--", true], "env": refs, "slow": True},
    {"name": "run: cat 100 MB, masked", "argv": [bin_, "--rate-limit", "1000000", "run", "--", "cat", out], "env": refs},
    {"name": "run: cat 100 MB, --no-masking", "argv": [bin_, "--rate-limit", "1000000", "run", "--no-masking", "--", "cat", out], "env": refs},
], sys.stdout)
PYEOF

echo "# checking that the masked output holds no value"
env -i HOME="$HOME" PATH="$PATH" DATABRICKS_HOST="$URL" DATABRICKS_TOKEN=bench-token \
    W01='{{secrets/bench/k01}}' U10='{{secrets/main.bench.u10}}' \
    "$BIN" run -- cat "$WORK/output.txt" | head -c 2000000 > "$WORK/masked-head.txt" || true
if grep -q -F -e "workspace-value-01-$(printf '%040d' 0)" -e "uc-value-10-abcdefghijklmnopqrstuvwxyz" "$WORK/masked-head.txt"; then
    echo "!! a value was not masked"
fi

echo "# measuring: $ROUNDS rounds, commands alternating (the default rate limit in the first $SLOW_ROUNDS)"
python3 bench/measure.py "$ROUNDS" "$SLOW_ROUNDS" "$WORK/spec.json" "" > "$WORK/results.json"

python3 - "$WORK/results.json" "$MB" <<'PYEOF'
import json, os, platform, sys
results = {r["name"]: r for r in json.load(open(sys.argv[1]))}
mb = int(sys.argv[2])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"\nmachine: {os.cpu_count()} cores, {cpu}, Linux {platform.release()}")
print("\n| command | runs | median ms | min ms | max ms |")
print("|---|---:|---:|---:|---:|")
for r in results.values():
    fails = f" ({r['failures']} failed)" if r["failures"] else ""
    print(f"| {r['name']} | {r['runs']} | {r['median_ms']:.2f} | {r['min_ms']:.2f} | {r['max_ms']:.2f} |{fails}")
get = results["dbsecrets get (one value)"]["median_ms"]
fast = results["run: 20 references, then true (--rate-limit 1000000)"]["median_ms"]
slow = results["run: 20 references, then true (default rate limit 15/s)"]["median_ms"]
masked = results["run: cat 100 MB, masked"]["median_ms"]
direct = results["run: cat 100 MB, --no-masking"]["median_ms"]
def verdict(ok): return "met" if ok else "NOT met"
print("\n| target | measured | |")
print("|---|---|---|")
print(f"| run with 20 references <= 2 x one get (--rate-limit 1000000) | {fast / get:.2f} x | {verdict(fast <= 2 * get)} |")
print(f"| (the same at the default rate limit, 15/s) | {slow / get:.1f} x ({slow:.0f} ms) | rate-bound by design |")
print(f"| masking filter >= 500 MB/s (whole run, start to end) | {mb * 1000 / masked:.0f} MB/s | {verdict(mb * 1000 / masked >= 500)} |")
print(f"| (the same output unmasked, --no-masking) | {mb * 1000 / direct:.0f} MB/s | |")
PYEOF
exit 0
