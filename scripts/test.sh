#!/usr/bin/env bash
# Installs everything the test suite needs (a virtual environment, the test extra with
# torch==2.13.0, Debian's Chromium for the browser tests) and runs lint, types and tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e ".[test]"

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is not installed and this user cannot install it: browser tests will be skipped"
  fi
fi

echo "== ruff"
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
echo "== mypy"
.venv/bin/mypy
# Browser tests run in their own pytest process: Playwright's sync API keeps an event loop
# running for the whole session, which the async API tests must not share.
echo "== pytest (engine, tracing, API, CLI)"
.venv/bin/python -m pytest -n 2 -m "not browser" "$@"
echo "== pytest (browser)"
# a module's tests share one page: keep each file on one worker, in its written order
.venv/bin/python -m pytest -n 2 --dist loadfile -m browser "$@"
bash scripts/attacks-elsewhere.sh
