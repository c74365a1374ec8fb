#!/bin/sh
# A smoke test of one dbsecrets binary, on any OS (POSIX sh; Git Bash on
# Windows): starts `BINARY emulator` on 127.0.0.1, then list-scopes,
# create-scope, put from stdin, get compared byte for byte, export
# --output-file, all through a profile of the home directory's
# ~/.databrickscfg, and exit codes 3 (not found) and 4 (rejected token).
# Nothing outside a temporary folder is read or written.
#
#   sh scripts/smoke.sh target/release/dbsecrets
set -u
bin=${1:?usage: sh scripts/smoke.sh PATH/TO/dbsecrets}
passed=0 failed=0

tmp=$(mktemp -d)
emulator=
cleanup() {
    [ -n "$emulator" ] && kill "$emulator" 2>/dev/null && wait "$emulator" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
stderr() { sed 's/^/     | /' "$tmp/err"; }
# expect CODE DESCRIPTION COMMAND...: runs COMMAND, stdout to $tmp/out, stderr to $tmp/err.
expect() {
    want=$1 what=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    if [ "$got" = "$want" ]; then
        ok "$what (exit $got)"
    else
        bad "$what: exit $got, expected $want"
        stderr
    fi
}

# The home directory is a fresh folder, on Windows too (USERPROFILE), and no
# DATABRICKS_* variable of the caller's takes part.
for v in $(env | sed -n 's/^\(DATABRICKS_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
HOME=$tmp/home
mkdir "$HOME"
export HOME
if command -v cygpath >/dev/null 2>&1; then
    USERPROFILE=$(cygpath -w "$HOME")
    export USERPROFILE
fi

# The emulator accepts one token; it prints its URL on stdout once it listens.
"$bin" emulator --port 0 --token smoke-token=admin@example.com >"$tmp/url" 2>"$tmp/emulator.log" &
emulator=$!
tries=0
until [ -s "$tmp/url" ]; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ] || ! kill -0 "$emulator" 2>/dev/null; then
        echo "FAIL the emulator did not start:"
        cat "$tmp/emulator.log"
        exit 1
    fi
    sleep 0.1 2>/dev/null || sleep 1
done
read -r url <"$tmp/url"
case $url in
http://127.0.0.1:*) echo "emulator at $url ($("$bin" --version))" ;;
*) echo "FAIL the emulator printed '$url', not its URL"; exit 1 ;;
esac

cat >"$HOME/.databrickscfg" <<EOF
[smoke]
host = $url
token = smoke-token

[wrong-token]
host = $url
token = not-the-token
EOF
chmod 600 "$HOME/.databrickscfg"

expect 0 "list-scopes -p smoke (profile from ~/.databrickscfg)" "$bin" list-scopes -p smoke -o json
if [ "$(cat "$tmp/out")" = "[]" ]; then ok "no scopes yet"; else bad "list-scopes printed: $(cat "$tmp/out")"; fi

expect 0 "create-scope" "$bin" create-scope smoke -p smoke

# Spaces, quotes, a dollar, non-ASCII; no trailing newline (stdin's one is trimmed).
# shellcheck disable=SC2016 # the $ is part of the value
printf '%s' 'p4ss wörd "$HOME" ✓' >"$tmp/value"
if "$bin" put smoke API_KEY -p smoke <"$tmp/value" >"$tmp/out" 2>"$tmp/err"; then
    ok "put from stdin"
else
    bad "put from stdin: exit $?"
    stderr
fi

expect 0 "get" "$bin" get smoke API_KEY -p smoke
if cmp -s "$tmp/value" "$tmp/out"; then
    ok "get gives the same bytes"
else
    bad "get gave '$(cat "$tmp/out")', put '$(cat "$tmp/value")'"
fi

expect 0 "export --output-file" "$bin" export smoke --output-file "$tmp/backup.env" -p smoke
# shellcheck disable=SC2016 # dotenv's escapes, literally
if grep -qFx 'API_KEY="p4ss wörd \"\$HOME\" ✓"' "$tmp/backup.env" 2>/dev/null; then
    ok "the export file holds the secret"
else
    bad "the export file: $(cat "$tmp/backup.env" 2>&1)"
fi
# shellcheck disable=SC2012 # one file of our own naming; ls is the portable way
mode=$(ls -l "$tmp/backup.env" | cut -c1-10)
if [ -n "${USERPROFILE:-}" ]; then
    : # Windows: no mode bits; the file has its folder's ACLs
elif [ "$mode" = "-rw-------" ]; then
    ok "the export file is mode 0600"
else
    bad "the export file's mode is $mode"
fi

expect 3 "get of a missing key is not found" "$bin" get smoke no-such-key -p smoke
expect 4 "a rejected token is not authenticated" "$bin" list-scopes -p wrong-token

echo "smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
