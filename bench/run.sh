#!/usr/bin/env bash
# Single-request performance of dbsecrets against its peers, measured in one run
# on this machine, the commands alternating round by round:
#   dbsecrets list-scopes   vs   curl sending the same request with the same headers
#   dbsecrets --version / --help
#   a databricks-sdk (Python) script doing the same list-scopes, when it can be installed
# against the bundled emulator on 127.0.0.1. It prints one table and the targets of
# issue 8, and always exits 0: it is a benchmark, not a test.
#
#   bash bench/run.sh            # ROUNDS=200 SDK_ROUNDS=10 to change the counts
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROUNDS=${ROUNDS:-200}
SDK_ROUNDS=${SDK_ROUNDS:-10}

echo "# building the release binary"
cargo build --release --quiet
BIN=$ROOT/target/release/dbsecrets

# The emulator prints its URL once it listens.
exec 3< <(exec "$BIN" emulator --port 0 2>/dev/null)
EMULATOR_PID=$!
WORK=$(mktemp -d)
trap 'kill "$EMULATOR_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
read -r URL <&3
export HOME=$WORK DATABRICKS_HOST=$URL DATABRICKS_TOKEN=bench-token
"$BIN" create-scope bench -q
for i in 1 2 3; do "$BIN" create-scope "bench-$i" -q; done

# The Python SDK as a second peer, in a local virtualenv (skipped when it cannot be installed).
PY=""
if [[ -x bench/.venv/bin/python ]] && bench/.venv/bin/python -c 'import databricks.sdk' 2>/dev/null; then
    PY=$ROOT/bench/.venv/bin/python
else
    echo "# installing databricks-sdk into bench/.venv"
    if python3 -m venv bench/.venv >/dev/null 2>&1 &&
        bench/.venv/bin/pip install --quiet --disable-pip-version-check databricks-sdk >/dev/null 2>&1; then
        PY=$ROOT/bench/.venv/bin/python
    else
        echo "# databricks-sdk is not available: its row is left out"
    fi
fi
cat > "$WORK/sdk_list_scopes.py" <<'PYEOF'
import os
from databricks.sdk import WorkspaceClient
w = WorkspaceClient(host=os.environ["DATABRICKS_HOST"], token=os.environ["DATABRICKS_TOKEN"], auth_type="pat")
for s in w.secrets.list_scopes():
    print(s.name)
PYEOF

VERSION=$("$BIN" --version | awk '{print $2}')
CURL=$(command -v curl)
python3 - "$BIN" "$CURL" "$URL" "$VERSION" "$PY" "$WORK" > "$WORK/spec.json" <<'PYEOF'
import json, os, sys
bin_, curl, url, version, py, work = sys.argv[1:]
env = {"HOME": work, "DATABRICKS_HOST": url, "DATABRICKS_TOKEN": "bench-token", "PATH": os.environ["PATH"]}
spec = [
    {"name": "dbsecrets list-scopes", "argv": [bin_, "list-scopes"], "env": env},
    {"name": "curl (same request)", "argv": [curl, "-s", "-o", "/dev/null",
        "-H", "Authorization: Bearer bench-token",
        "-H", f"User-Agent: dbsecrets/{version} os/linux auth/pat",
        "-H", "Accept: */*",
        f"{url}/api/2.0/secrets/scopes/list"], "env": env},
    {"name": "dbsecrets --version", "argv": [bin_, "--version"], "env": env},
    {"name": "dbsecrets --help", "argv": [bin_, "--help"], "env": env},
]
if py:
    spec.append({"name": "databricks-sdk list_scopes (Python)", "argv": [py, f"{work}/sdk_list_scopes.py"], "env": env, "slow": True})
json.dump(spec, sys.stdout)
PYEOF
# GNU time measures peak RSS (Debian package `time`; installed when missing and possible).
GNU_TIME=/usr/bin/time
if [[ ! -x $GNU_TIME ]]; then
    { apt-get install -y -qq time || { apt-get update -qq && apt-get install -y -qq time; }; } >/dev/null 2>&1 || true
fi
[[ -x $GNU_TIME ]] || { GNU_TIME=""; echo "# GNU time is not available: peak RSS is not measured"; }

echo "# measuring: $ROUNDS rounds, commands alternating (the SDK in the first $SDK_ROUNDS)"
python3 bench/measure.py "$ROUNDS" "$SDK_ROUNDS" "$WORK/spec.json" "$GNU_TIME" > "$WORK/results.json"

python3 - "$WORK/results.json" "$BIN" <<'PYEOF'
import json, os, platform, sys
results = {r["name"]: r for r in json.load(open(sys.argv[1]))}
binary_mb = os.path.getsize(sys.argv[2]) / 1024 / 1024
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"\nmachine: {os.cpu_count()} cores, {cpu}, Linux {platform.release()}")
print(f"\n| command | runs | median ms | min ms | max ms | peak RSS MB |")
print("|---|---:|---:|---:|---:|---:|")
def mb(v): return "n/a" if v is None else f"{v:.1f}"
for r in results.values():
    print(f"| {r['name']} | {r['runs']} | {r['median_ms']:.2f} | {r['min_ms']:.2f} | {r['max_ms']:.2f} | {mb(r['peak_rss_mb'])} |"
          + (f" ({r['failures']} failed)" if r["failures"] else ""))
ours, curl = results["dbsecrets list-scopes"], results["curl (same request)"]
ratio = ours["median_ms"] / curl["median_ms"]
def verdict(ok): return "met" if ok else "NOT met"
print("\n| target | measured | |")
print("|---|---|---|")
print(f"| list-scopes median <= 0.6 x curl | {ratio:.2f} x | {verdict(ratio <= 0.6)} |")
for name in ("dbsecrets --version", "dbsecrets --help"):
    m = results[name]["median_ms"]
    print(f"| {name.split()[1]} median < 2 ms | {m:.2f} ms | {verdict(m < 2)} |")
peaks = [r["peak_rss_mb"] for n, r in results.items() if n.startswith("dbsecrets") and r["peak_rss_mb"] is not None]
if peaks:
    print(f"| peak RSS of a single-request command < 15 MB | {max(peaks):.1f} MB | {verdict(max(peaks) < 15)} |")
print(f"| release binary < 10 MB | {binary_mb:.1f} MB | {verdict(binary_mb < 10)} |")
sdk = results.get("databricks-sdk list_scopes (Python)")
if sdk:
    print(f"| (peer) databricks-sdk list_scopes vs dbsecrets | {sdk['median_ms'] / ours['median_ms']:.0f} x slower | |")
PYEOF
exit 0
