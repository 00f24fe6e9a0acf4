# Sourced by scripts/test.sh and .ci/run: the Debian packages the whole test suite needs.
#   chromium      drives the browser tests (tests/browser; playwright downloads none here)
#   redis-server  the distributed-mode tests (marked `redis`, issue 7)
# Run as root, it installs whichever is missing (one apt-get). Otherwise it installs
# nothing and leaves the missing ones in SYSTEM_DEPS_MISSING for the caller to report.
SYSTEM_DEPS=(chromium redis-server)   # each one's command and Debian package share the name
SYSTEM_DEPS_MISSING=()
for _dep in "${SYSTEM_DEPS[@]}"; do
  command -v "$_dep" >/dev/null 2>&1 || SYSTEM_DEPS_MISSING+=("$_dep")
done
if [ "${#SYSTEM_DEPS_MISSING[@]}" -gt 0 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing ${SYSTEM_DEPS_MISSING[*]} (apt-get, as root)" >&2
  { apt-get update -q >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${SYSTEM_DEPS_MISSING[@]}" >/dev/null; } ||
    echo "setup: apt-get install ${SYSTEM_DEPS_MISSING[*]} failed" >&2
  SYSTEM_DEPS_MISSING=()
  for _dep in "${SYSTEM_DEPS[@]}"; do
    command -v "$_dep" >/dev/null 2>&1 || SYSTEM_DEPS_MISSING+=("$_dep")
  done
fi
unset _dep
