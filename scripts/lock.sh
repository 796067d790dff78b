#!/usr/bin/env bash
# Regenerate the lock files from pyproject.toml (`make lock`). Needs pip-tools (the `audit` extra).
# The versions already installed in the project's venv are preferred (passed as constraints), so a
# re-lock after adding one dependency changes only what it must.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
freeze=$(mktemp)
trap 'rm -f "$freeze"' EXIT
"$venv/bin/pip" freeze --exclude-editable | grep -v '^-e ' | grep -v '^readiness-coach' >"$freeze" || true
common=(-q --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe -c "$freeze")
extras=(--extra test --extra postgres --extra audit)
if ! "$venv/bin/pip-compile" "${common[@]}" "${extras[@]}" -o requirements-test.lock pyproject.toml; then
  echo "lock: the installed versions conflict with pyproject.toml; resolving afresh" >&2
  common=("${common[@]:0:5}")
  "$venv/bin/pip-compile" "${common[@]}" "${extras[@]}" -o requirements-test.lock pyproject.toml
fi
"$venv/bin/pip-compile" "${common[@]}" -c requirements-test.lock -o requirements.lock pyproject.toml
echo "wrote requirements.lock ($(grep -c '==' requirements.lock) pins) and requirements-test.lock ($(grep -c '==' requirements-test.lock) pins)"
