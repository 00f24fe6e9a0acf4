# Sourced by the other scripts: make .venv and install vnarchive into it (once).
# Re-installs when pyproject.toml is newer than the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)" >&2
  "$PY" -m venv .venv
fi

# pip's own output goes whole to the log; the terminal gets one line per package pip
# collects, then one for the (silent, longest) unpacking step, so a first setup is
# never minutes of nothing. The build backend's chatter stays in the log.
_pip_progress() {
  awk '
    function flush_pending() {
      if (pending != "") { printf "setup:   %3d  %s\n", n, pending; fflush(); pending = "" }
    }
    /^Obtaining / { print "setup: reading vnarchive'"'"'s requirements"; fflush(); next }
    /^Collecting / {
      flush_pending()
      name = $2; sub(/[<>=!~;\[(].*/, "", name); n++; pending = name; next
    }
    /^ *Downloading .*\(/ {
      size = $0; sub(/.*\(/, "", size); sub(/\).*/, "", size)
      if (pending != "") pending = pending " (" size ")"
      flush_pending(); next
    }
    /^Installing collected packages:/ {
      flush_pending()
      count = split(substr($0, index($0, ":") + 2), packages, ", ")
      printf "setup: unpacking %d packages into .venv (the longest step)\n", count
      fflush(); next
    }
    /^Successfully installed / { printf "setup: installed %d packages\n", NF - 2; fflush() }
    END { flush_pending() }
  ' >&2
}

_pip_install() {
  .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off "$@" \
    2>&1 | tee -a "$log" | _pip_progress
}

if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
  log=.venv/install.log
  : >"$log"
  echo "setup: installing vnarchive and its dependencies into .venv (two or three minutes;" \
       "full log: $log)" >&2
  echo "setup: upgrading pip" >&2
  if ! { _pip_install --upgrade pip >/dev/null 2>&1 && _pip_install -e '.[dev]'; }; then
    tail -n 40 "$log" >&2
    echo "setup: pip install failed; the full log is $log" >&2
    exit 1
  fi
  touch .venv/.installed
  echo "setup: done" >&2
fi
