#!/usr/bin/env bash
# One command, fresh machine: set up, then crawl the local replica into data/archive.db.
source "$(dirname "$0")/bootstrap.sh"
exec .venv/bin/vnarchive demo "$@"
