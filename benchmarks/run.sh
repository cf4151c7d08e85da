#!/bin/sh
# Grader benchmarks from the repository root; options: benchmarks/run.sh --help
cd "$(dirname "$0")/.." && exec .venv/bin/python benchmarks/run.py "$@"
