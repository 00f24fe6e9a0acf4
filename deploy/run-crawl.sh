#!/usr/bin/env bash
# The one command every schedule runs: the systemd unit and the cron line both call
# this script, and tests/test_deploy.py runs it too, so what is tested is what runs.
#
# Configuration comes from the environment (the unit reads /etc/vnarchive/crawl.env):
#   VNARCHIVE_HOME       checkout with its .venv (default: this script's parent)
#   VNARCHIVE_DB         the archive (default: $VNARCHIVE_HOME/data/archive.db)
#   VNARCHIVE_CONTACT    URL or e-mail for the User-Agent (set it!)
#   VNARCHIVE_PORTAL     the portal to crawl (`vnarchive portals`; default: the start
#                        URL's, or tuyengiao). vnarchive-crawl@PORTAL.service sets it:
#                        one timer per portal, all into one archive.
#   VNARCHIVE_START_URL  default: the portal's home page
#   VNARCHIVE_LOG_LEVEL  default: INFO
#   VNARCHIVE_MAX_DURATION  a run stops after this long (default 50m: the timer runs
#                        hourly, so a crawl caught in a trap never holds the lock into
#                        the next run; it exits 3 with a crawl_errors row). 0: no bound.
# Extra arguments are passed on (e.g. --backfill --until 2020-01-01 --max-duration 0:
# a later --max-duration wins over the default).
# Exit status is the crawl's: 0 ok, 1 failed, 3 degraded, 4 layout drift,
# 75 another crawl of the same site into the archive is running (nothing done; try
# again later). Crawls of other sites into the same archive run alongside.
set -euo pipefail
home="${VNARCHIVE_HOME:-$(cd "$(dirname "$0")/.." && pwd)}"
args=(crawl --db "${VNARCHIVE_DB:-$home/data/archive.db}" --log-level "${VNARCHIVE_LOG_LEVEL:-INFO}"
      --max-duration "${VNARCHIVE_MAX_DURATION:-50m}")
if [[ -n "${VNARCHIVE_PORTAL:-}" ]]; then args+=(--portal "$VNARCHIVE_PORTAL"); fi
if [[ -n "${VNARCHIVE_START_URL:-}" ]]; then args+=(--start-url "$VNARCHIVE_START_URL"); fi
if [[ -n "${VNARCHIVE_CONTACT:-}" ]]; then args+=(--contact "$VNARCHIVE_CONTACT"); fi
exec "$home/.venv/bin/vnarchive" "${args[@]}" "$@"
