#!/usr/bin/env bash
# Unity Catalog listing and reading, measured against curl in one run on this
# machine, the commands alternating round by round (bench/measure.py):
#   dbsecrets uc list of a schema of 1,000 secrets served in pages of 100
#     vs one curl fetching the same ten pages one after another
#   dbsecrets uc get   vs curl sending the same request
#   dbsecrets get      vs curl sending the same request (the reference ratio)
# against the bundled emulator on 127.0.0.1. It prints one table and the targets
# of the Unity Catalog issue, and always exits 0: it is a benchmark, not a test.
#
#   bash bench/uc.sh            # ROUNDS=50 to change the count
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROUNDS=${ROUNDS:-50}

echo "# building the release binary"
cargo build --release --quiet
BIN=$ROOT/target/release/dbsecrets

exec 3< <(exec "$BIN" emulator --port 0 --uc-schema main.bench --uc-page-size 100 2>/dev/null)
EMULATOR_PID=$!
WORK=$(mktemp -d)
trap 'kill "$EMULATOR_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
read -r URL <&3
export HOME=$WORK DATABRICKS_HOST=$URL DATABRICKS_TOKEN=bench-token

echo "# creating 1,000 Unity Catalog secrets and a scope secret"
python3 - "$URL" > "$WORK/pages.json" <<'PYEOF'
import json, sys, urllib.request
url = sys.argv[1]
def call(method, path, body=None):
    req = urllib.request.Request(url + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer bench-token", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"{}")
for i in range(1000):
    call("POST", "/api/2.1/unity-catalog/secrets",
         {"catalog_name": "main", "schema_name": "bench", "name": f"secret_{i:04d}",
          "value": f"value-{i}", "comment": "bench"})
call("POST", "/api/2.0/secrets/scopes/create", {"scope": "bench"})
call("POST", "/api/2.0/secrets/put", {"scope": "bench", "key": "k", "string_value": "value"})
# The ten page URLs, as a client following next_page_token asks for them.
pages, token = [], None
while True:
    q = "/api/2.1/unity-catalog/secrets?catalog_name=main&schema_name=bench"
    if token:
        q += "&page_token=" + urllib.parse.quote(token, safe="")
    pages.append(url + q)
    token = call("GET", q[len(""):]).get("next_page_token")
    if not token:
        break
json.dump(pages, sys.stdout)
PYEOF

VERSION=$("$BIN" --version | awk '{print $2}')
CURL=$(command -v curl)
python3 - "$BIN" "$CURL" "$URL" "$VERSION" "$WORK" > "$WORK/spec.json" <<'PYEOF'
import json, os, sys
bin_, curl, url, version, work = sys.argv[1:]
pages = json.load(open(f"{work}/pages.json"))
env = {"HOME": work, "DATABRICKS_HOST": url, "DATABRICKS_TOKEN": "bench-token", "PATH": os.environ["PATH"]}
headers = ["-H", "Authorization: Bearer bench-token", "-H", f"User-Agent: dbsecrets/{version} os/linux auth/pat"]
def curl_of(*urls):
    argv = [curl, "-s"] + headers
    for u in urls:
        argv += ["-o", "/dev/null", u]
    return argv
spec = [
    {"name": f"dbsecrets uc list (1,000 secrets, {len(pages)} pages)", "argv": [bin_, "uc", "list", "main.bench", "-o", "json"], "env": env},
    {"name": f"curl, the same {len(pages)} pages in sequence", "argv": curl_of(*pages), "env": env},
    {"name": "dbsecrets uc get", "argv": [bin_, "uc", "get", "main.bench.secret_0500"], "env": env},
    {"name": "curl (uc get)", "argv": curl_of(f"{url}/api/2.1/unity-catalog/secrets/main.bench.secret_0500?include_value=true"), "env": env},
    {"name": "dbsecrets get", "argv": [bin_, "get", "bench", "k"], "env": env},
    {"name": "curl (get)", "argv": curl_of(f"{url}/api/2.0/secrets/get?scope=bench&key=k"), "env": env},
]
json.dump(spec, sys.stdout)
PYEOF
GNU_TIME=/usr/bin/time
[[ -x $GNU_TIME ]] || GNU_TIME=""

echo "# measuring: $ROUNDS rounds, commands alternating"
python3 bench/measure.py "$ROUNDS" 0 "$WORK/spec.json" "$GNU_TIME" > "$WORK/results.json"

python3 - "$WORK/results.json" <<'PYEOF'
import json, os, platform, sys
results = json.load(open(sys.argv[1]))
by = {r["name"]: r for r in results}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"\nmachine: {os.cpu_count()} cores, {cpu}, Linux {platform.release()}")
print("\n| command | runs | median ms | min ms | max ms | peak RSS MB |")
print("|---|---:|---:|---:|---:|---:|")
def mb(v): return "n/a" if v is None else f"{v:.1f}"
for r in results:
    print(f"| {r['name']} | {r['runs']} | {r['median_ms']:.2f} | {r['min_ms']:.2f} | {r['max_ms']:.2f} | {mb(r['peak_rss_mb'])} |"
          + (f" ({r['failures']} failed)" if r["failures"] else ""))
lst, pages = results[0], results[1]
ucget, ucurl, get, gcurl = by["dbsecrets uc get"], by["curl (uc get)"], by["dbsecrets get"], by["curl (get)"]
def verdict(ok): return "met" if ok else "NOT met"
list_ratio = lst["median_ms"] / pages["median_ms"]
uc_ratio, get_ratio = ucget["median_ms"] / ucurl["median_ms"], get["median_ms"] / gcurl["median_ms"]
print("\n| target | measured | |")
print("|---|---|---|")
print(f"| uc list of 1,000 in pages of 100 <= 1.3 x curl's ten round trips | {list_ratio:.2f} x | {verdict(list_ratio <= 1.3)} |")
if lst["peak_rss_mb"] is not None:
    print(f"| uc list peak RSS < 15 MB | {lst['peak_rss_mb']:.1f} MB | {verdict(lst['peak_rss_mb'] < 15)} |")
print(f"| uc get vs curl, as get vs curl (within 10 %) | {uc_ratio:.2f} x (get: {get_ratio:.2f} x) | {verdict(uc_ratio <= get_ratio * 1.1)} |")
PYEOF
exit 0
