#!/usr/bin/env bash
# One command: set up if needed, then run the whole test suite (pytest's options pass through).
source "$(dirname "$0")/bootstrap.sh"
exec .venv/bin/python -m pytest "$@"
