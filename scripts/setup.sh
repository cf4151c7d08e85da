#!/usr/bin/env bash
# Creates .venv with everything the grader, its tests and benchmarks need; redone when
# pyproject.toml changes. torch/torchvision are pinned to the releases the course is built with.
# `.[all]`: this package with every extra (torch, scikit-learn's digits, matplotlib), which
# students install only as their assignment needs (the handout's README says which).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -x .venv/bin/grader ] || [ "$(cat .venv/.stamp 2>/dev/null)" != "$stamp" ]; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet "setuptools>=68"  # `grader build` builds the students' wheel with it, offline
  .venv/bin/pip install --quiet torch==2.14.1 torchvision==0.29.1
  .venv/bin/pip install --quiet -e ".[all]"
  echo "$stamp" > .venv/.stamp
fi
