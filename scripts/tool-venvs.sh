# Sourced by scripts/test.sh: tools some tests drive, each in a virtualenv of its own,
# made once. pywb (.venv-pywb) replays the archive's WARC files (tests/test_e2e_replay.py):
# it pins redis<3 and an old gevent, which the project's .venv cannot hold beside
# scrapy-redis. Hugging Face `datasets` (.venv-datasets) opens the `export --format hf`
# folder (tests/test_parquet_export.py): it brings pandas, which sqlite-utils then imports
# in every process of the crawl (~90 MB each) if it shares the project's .venv.
_tool_venv() {  # NAME PACKAGE BIN: make .venv-NAME with PACKAGE unless BIN is there
  local dir=".venv-$1"
  if [ ! -x "$dir/bin/$3" ]; then
    echo "test: installing $2 into $dir (once; log: $dir.log)" >&2
    if ! { "${PYTHON:-python3}" -m venv "$dir" &&
           "$dir/bin/python" -m pip install -q --disable-pip-version-check "$2"; } \
         >"$dir.log" 2>&1; then
      echo "test: $2 could not be installed ($dir.log): the tests that use it will be skipped" >&2
    fi
  fi
}
if [ -z "${VNARCHIVE_PYWB_BIN:-}" ]; then
  _tool_venv pywb pywb wb-manager
  [ -x .venv-pywb/bin/wb-manager ] && export VNARCHIVE_PYWB_BIN="$PWD/.venv-pywb/bin"
fi
if [ -z "${VNARCHIVE_DATASETS_PYTHON:-}" ]; then
  _tool_venv datasets "datasets>=3.0,<6" python
  .venv-datasets/bin/python -c "import datasets" 2>/dev/null &&
    export VNARCHIVE_DATASETS_PYTHON="$PWD/.venv-datasets/bin/python"
fi
