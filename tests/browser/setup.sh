#!/bin/sh
# Installs what tests/test_jupyterlab_browser.py drives: Debian's Chromium and its
# chromedriver (JupyterLab and Selenium come from PyPI with the [test] extra).
# Idempotent, and silent when both are installed already. CI runs it before the tests.
set -eu

missing=""
for pkg in chromium chromium-driver; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "tests/browser/setup.sh: no apt-get here; install Chromium and a matching chromedriver," >&2
    echo "  then point SAFEKEYS_CHROMIUM and SAFEKEYS_CHROMEDRIVER at them" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "tests/browser/setup.sh: need root or sudo to install:$missing" >&2
    exit 1
fi

echo "tests/browser/setup.sh: installing$missing" >&2
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086  # $missing is a list of package names
$as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
for tool in chromedriver; do
    command -v "$tool" >/dev/null 2>&1 || { echo "tests/browser/setup.sh: $tool still missing" >&2; exit 1; }
done
