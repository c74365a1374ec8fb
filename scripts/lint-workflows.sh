#!/usr/bin/env bash
# Lints every GitHub Actions workflow: actionlint (syntax, expressions, job
# graph, runner labels, action inputs) and zizmor (security: permissions,
# credential persistence, template injection, unpinned actions, cache
# poisoning...), offline. Installs both into .tools/ first. Fails on any finding.
#
#   bash scripts/lint-workflows.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-workflow-linters.sh

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
((${#workflows[@]})) || { echo "no workflows in .github/workflows" >&2; exit 1; }

node scripts/lint-workflows.cjs "${workflows[@]}"
.tools/venv/bin/zizmor --quiet --offline --no-progress --color never --persona pedantic "${workflows[@]}"
