#!/usr/bin/env bash
# The main job: build the mlp_numpy handout and autograder, grade example submissions.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/grader demo
