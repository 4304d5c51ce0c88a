#!/usr/bin/env bash
# Runs the whole test suite (pytest drives dbt builds on generated data, the real export
# in ../shared when present, and the browser tests when Chromium is installed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/python -m pytest -q "$@" tests
