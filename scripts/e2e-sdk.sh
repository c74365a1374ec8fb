#!/usr/bin/env bash
# End-to-end checks with the official Databricks SDK for Python (PyPI
# databricks-sdk, pinned), an independent client:
#
# 1. `dbsecrets emulator`'s Unity Catalog secrets and grants: if the emulator
#    and dbsecrets' own client shared a misunderstanding of the wire contract,
#    the SDK would not share it (scripts/e2e-sdk.py).
# 2. Sign-in (issue 18): the same settings (environment variables, a
#    ~/.databrickscfg in a fresh HOME, fake `databricks` CLIs on PATH) given to
#    the SDK's `Config()` and to `dbsecrets auth describe --check`; both must
#    pick the same method or both refuse, and send the same Authorization
#    header to an emulator that accepts only the expected credentials
#    (scripts/e2e-sdk-auth.py, which starts its own emulator, a recording
#    proxy and a metadata service). Cross-checked: pat (environment, profiles,
#    DATABRICKS_CONFIG_PROFILE, default_profile, precedence), basic, a token
#    with a client id (with and without auth_type), metadata-service,
#    oauth-m2m, env-oidc, file-oidc, databricks-cli (signed in, not signed
#    in, broken, beside a lone client id or a Google key), and one documented
#    difference. Not cross-checked: the Azure and Google methods, github-oidc
#    and azure-devops-oidc, whose SDK side needs real Entra ID, Google, GitHub
#    or Azure DevOps endpoints (see e2e-sdk-auth.py and docs/signing-in.md).
#
#   DBSECRETS_BIN=target/debug/dbsecrets scripts/e2e-sdk.sh
#
# Builds nothing. Environment:
#   DBSECRETS_BIN      the binary tested: its `emulator` subcommand, and its
#                      sign-in through `auth describe --check`
#                      (default: target/debug/dbsecrets in the repository)
#   E2E_SDK_VENV       virtualenv for the SDK (default: .venv-sdk/ in the repository;
#                      reused when it already holds the pinned SDK, created otherwise)
#   E2E_START_TIMEOUT  seconds to wait for the emulator's URL (default 30)
#   PYTHON             interpreter used to create the virtualenv (default python3)
#
# Starts the emulator on 127.0.0.1 (a free port) with schema main.sdk_app, pages
# of 2, an admin token and a non-admin one, runs scripts/e2e-sdk.py, which prints
# one `ok - …` / `not ok - …` line per check (the sign-in ones start with
# `sign-in:`) and `N passed, M failed`, and stops the emulator on exit. Nothing
# leaves the machine: the Python process refuses every connection that is not
# to loopback. Exits 0 only when nothing failed.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
# shellcheck source=scripts/lib-wait-port.sh
. "$SCRIPT_DIR/lib-wait-port.sh"
# shellcheck source=scripts/lib-venv.sh
. "$SCRIPT_DIR/lib-venv.sh"

SDK_VERSION=0.162.0
VENV=${E2E_SDK_VENV:-$ROOT/.venv-sdk}
START_TIMEOUT=${E2E_START_TIMEOUT:-30}
PYTHON=${PYTHON:-python3}
ADMIN_TOKEN=e2e-sdk-admin-token
USER_TOKEN=e2e-sdk-user-token

note() { echo "# $*"; }
die() {
    echo "e2e-sdk: error: $*" >&2
    exit 1
}

# ---------------------------------------------------------------------------
# 1. The binary under test
# ---------------------------------------------------------------------------
BIN=${DBSECRETS_BIN:-$ROOT/target/debug/dbsecrets}
if [[ $BIN != */* ]]; then
    BIN=$(command -v "$BIN") || die "DBSECRETS_BIN=$DBSECRETS_BIN is not on PATH"
fi
[[ -f $BIN && -x $BIN ]] || die "dbsecrets binary not found or not executable: $BIN (run cargo build, or set DBSECRETS_BIN)"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
note "binary: $BIN"

# ---------------------------------------------------------------------------
# 2. The SDK, pinned, in a project-local virtualenv
# ---------------------------------------------------------------------------
ensure_pinned_venv "$VENV" "$PYTHON" databricks-sdk "$SDK_VERSION"

# ---------------------------------------------------------------------------
# 3. The emulator, on 127.0.0.1 and a free port
# ---------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dbsecrets-e2e-sdk.XXXXXX")
SERVER_PID=
SERVER_OUT=$WORK/emulator.out
SERVER_LOG=$WORK/emulator.log

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $SERVER_PID ]]; then
        stop_process "$SERVER_PID" 10
        SERVER_PID=
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SETSID=()
command -v setsid >/dev/null && SETSID=(setsid)

# No credential or workspace of the caller's environment may leak into the run.
while IFS= read -r var; do
    case $var in
    DATABRICKS_* | ARM_*) unset "$var" ;;
    http_proxy | https_proxy | all_proxy | HTTP_PROXY | HTTPS_PROXY | ALL_PROXY) unset "$var" ;;
    esac
done < <(compgen -e)
export HOME=$WORK/home
mkdir -p "$HOME"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

# --port 0: the emulator binds a free port on 127.0.0.1 and prints its URL first.
"${SETSID[@]}" "$BIN" emulator --port 0 \
    --uc-schema main.sdk_app --uc-page-size 2 \
    --token "$ADMIN_TOKEN=admin@example.com" --admin admin@example.com \
    --token "$USER_TOKEN=user@example.com" \
    >"$SERVER_OUT" 2>"$SERVER_LOG" </dev/null &
SERVER_PID=$!

URL=
t0=$SECONDS
while :; do
    if [[ -s $SERVER_OUT ]] && IFS= read -r URL <"$SERVER_OUT" && [[ -n $URL ]]; then
        break
    fi
    if ! process_alive "$SERVER_PID"; then
        cat "$SERVER_LOG" >&2
        die "the emulator exited before printing its URL"
    fi
    if ((SECONDS - t0 >= START_TIMEOUT)); then
        cat "$SERVER_LOG" >&2
        die "the emulator printed no URL within ${START_TIMEOUT}s"
    fi
    sleep 0.1
done
[[ $URL =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || die "the emulator is not on 127.0.0.1: $URL"
note "emulator on $URL (pid $SERVER_PID), ready in $((SECONDS - t0))s"

# ---------------------------------------------------------------------------
# 4. The SDK's checks
# ---------------------------------------------------------------------------
set +e
E2E_HOST=$URL E2E_ADMIN_TOKEN=$ADMIN_TOKEN E2E_USER_TOKEN=$USER_TOKEN \
    E2E_DBSECRETS_BIN=$BIN E2E_WORK=$WORK \
    "$VENV/bin/python" "$SCRIPT_DIR/e2e-sdk.py"
rc=$?
set -e
if ((rc != 0)); then
    echo "# --- last lines of the emulator's log:"
    tail -n 15 "$SERVER_LOG" | sed 's/^/#   /'
fi
exit "$rc"
