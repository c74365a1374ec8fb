#!/usr/bin/env bash
# The quick start in one command: starts the bundled emulator on a free port,
# runs the seed's commands against it, and stops it. Nothing touches a real
# workspace and nothing is left behind.
#
#   bash scripts/demo.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Always the binary built from this checkout (never a `dbsecrets` found on
# PATH, which may be another version); DBSECRETS names another one explicitly.
if [[ -n ${DBSECRETS:-} ]]; then
    BIN=$DBSECRETS
else
    echo "# building dbsecrets from $ROOT (cargo build --release; the first time takes a few minutes)"
    (cd "$ROOT" && cargo build --release)
    BIN=$ROOT/target/release/dbsecrets
    echo "# built $BIN"
fi

# The emulator prints its URL on the first line of stdout once it is listening.
exec 3< <(exec "$BIN" emulator --port 0 --uc-schema main.demo 2>/dev/null)
EMULATOR_PID=$!
trap 'kill "$EMULATOR_PID" 2>/dev/null || true' EXIT
read -r URL <&3

# A throwaway HOME, so that no ~/.databrickscfg of yours is involved.
HOME=$(mktemp -d)
export HOME DATABRICKS_HOST=$URL DATABRICKS_TOKEN=demo-token
trap 'kill "$EMULATOR_PID" 2>/dev/null || true; rm -rf "$HOME"' EXIT

run() {
    echo
    printf '$ dbsecrets'
    printf ' %q' "$@"
    echo
    "$BIN" "$@"
}

echo "# emulator listening on $URL"
run list-scopes
run create-scope my-app-secrets
run put my-app-secrets api-key --value "sk-xxx"
echo
echo "\$ printf 'hunter2\\n' | dbsecrets put my-app-secrets db-password"
printf 'hunter2\n' | "$BIN" put my-app-secrets db-password
run list my-app-secrets
run list my-app-secrets -o json
run put-acl my-app-secrets users READ
run acls my-app-secrets -o csv
run uc put main.demo.vendor_key --value "sk-uc-demo" --comment "Unity Catalog demo" --expires 90d
run uc list main.demo
run get my-app-secrets api-key -o json
run delete my-app-secrets api-key
run delete-scope my-app-secrets --yes
run list-scopes -o json
