#!/usr/bin/env bash
# The project's tests. pytest's exit 5 (no test ran) counts as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "no tests ran: failing" >&2
  exit 1
fi
exit "$status"
