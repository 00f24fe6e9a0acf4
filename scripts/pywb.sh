# Sourced by scripts/test.sh: pywb in a virtualenv of its own (.venv-pywb), for the test
# that replays the archive's WARC files in it (tests/test_e2e_replay.py). pywb pins
# redis<3 and an old gevent, which the project's .venv cannot hold beside scrapy-redis.
if [ -z "${VNARCHIVE_PYWB_BIN:-}" ]; then
  if [ ! -x .venv-pywb/bin/wb-manager ]; then
    echo "test: installing pywb into .venv-pywb (once; log: .venv-pywb.log)" >&2
    if ! { "${PYTHON:-python3}" -m venv .venv-pywb &&
           .venv-pywb/bin/python -m pip install -q --disable-pip-version-check pywb; } \
         >.venv-pywb.log 2>&1; then
      echo "test: pywb could not be installed (.venv-pywb.log): its replay test will be skipped" >&2
    fi
  fi
  if [ -x .venv-pywb/bin/wb-manager ]; then
    export VNARCHIVE_PYWB_BIN="$PWD/.venv-pywb/bin"
  fi
fi
