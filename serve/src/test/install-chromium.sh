#!/usr/bin/env bash
# The page test drives Debian's chromium with chromedriver (ServePageTest). On a machine without
# them, installs both from Debian's packages when this user may (root, apt-get); otherwise says
# how, and the test fails with the same words. Run by Maven before the serve module's tests.
set -u
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "forkline serve tests: installing chromium and chromium-driver from Debian's packages" >&2
  if (apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 \
      || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver; }) >/dev/null; then
    exit 0
  fi
fi
echo "forkline serve tests: the page test needs chromium and chromedriver; on Debian: sudo apt-get install chromium chromium-driver" >&2
exit 0
