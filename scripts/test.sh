#!/usr/bin/env bash
# One command: set up if needed, then run the whole test suite (pytest's options pass through).
# As root it installs the system packages the suite needs (scripts/system-deps.sh);
# it starts a redis-server for the run unless VNARCHIVE_TEST_REDIS_URL names one, and
# runs the tests in parallel (pytest-xdist) unless you pass -n yourself.
source "$(dirname "$0")/bootstrap.sh"
source scripts/system-deps.sh
if [ "${#SYSTEM_DEPS_MISSING[@]}" -gt 0 ]; then
  skipped=()
  for dep in "${SYSTEM_DEPS_MISSING[@]}"; do
    case "$dep" in
      chromium) skipped+=("the browser tests (tests/browser)") ;;
      redis-server) skipped+=("the distributed-mode tests (-m redis)") ;;
    esac
  done
  joined=$(printf '%s and ' "${skipped[@]}")
  why="this is not root"
  [ "$(id -u)" -eq 0 ] && why="apt-get could not install it"
  names=$(printf '%s, ' "${SYSTEM_DEPS_MISSING[@]}")
  echo "test: ${names%, } missing and $why: ${joined% and } will be" \
       "skipped (as root: apt-get install -y ${SYSTEM_DEPS_MISSING[*]})" >&2
fi

# One redis-server on 127.0.0.1, on a free port, for the distributed-mode tests
# (tests/redis_support.py); stopped when this script ends, whatever happens.
if [ -z "${VNARCHIVE_TEST_REDIS_URL:-}" ] && command -v redis-server >/dev/null 2>&1; then
  redis_port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis_dir=$(mktemp -d)
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$redis_dir" --save '' \
    --appendonly no --daemonize yes --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log"
  trap 'kill "$(cat "$redis_dir/redis.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$redis_dir"' EXIT
  export VNARCHIVE_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "test: started a redis-server for this run on 127.0.0.1:$redis_port (VNARCHIVE_TEST_REDIS_URL)" >&2
fi

source scripts/tool-venvs.sh

# The suite starts hundreds of Python processes (crawls, their writers, the CLI): with
# PYTHONDONTWRITEBYTECODE set (some images set it), each would compile the project's
# modules from source again, and pytest would rewrite every test module's asserts in
# every worker: about a tenth of the suite's CPU time.
unset PYTHONDONTWRITEBYTECODE

# Two workers per core (pytest-xdist): most e2e tests wait on their subprocesses (crawls,
# kill timers, servers starting), so a second worker per core fills those waits
# (measured on 2 cores: 4 workers finish the suite in 0.8-0.9 of the time 2 take);
# worksteal evens out the minute-long e2e tests (tests/schedule.py orders them).
workers=$(( 2 * $(nproc 2>/dev/null || echo 1) ))
parallel=(-n "$workers" --dist worksteal)
for arg in "$@"; do
  case "$arg" in -n|-n*|--numprocesses*|--pdb|--trace) parallel=() ;; esac
done
.venv/bin/python -m pytest "${parallel[@]}" "$@"
