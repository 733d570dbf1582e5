#!/bin/sh
# Builds forkline-client (forkline_client.c) next to the jar: the launcher's fast path to a running
# daemon (FORKLINE_DAEMON=1), about a millisecond instead of a client JVM's 70 to 90 ms.
#
#   build.sh TARGET_DIR
#
# Needs gcc. Without it the client is left out with a note and the build goes on: the launcher then
# uses the Java client (forkline-client.jar), which works the same, slower to start.
set -u
target="$1"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$target"
rm -f "$target/forkline-client" "$target/forkline-client.UNAVAILABLE"
skip() {
  echo "forkline: $1; the launcher uses the Java daemon client instead" >&2
  echo "$1" >"$target/forkline-client.UNAVAILABLE"
  exit 0
}
command -v gcc >/dev/null 2>&1 || skip "no gcc, so no native daemon client (apt-get install gcc)"
if ! gcc -O2 -Wall -Wextra -o "$target/forkline-client.tmp" "$here/forkline_client.c" \
    2>"$target/build-forkline-client.log"; then
  sed 's/^/  /' "$target/build-forkline-client.log" >&2
  rm -f "$target/forkline-client.tmp" "$target/build-forkline-client.log"
  skip "the native daemon client did not build"
fi
rm -f "$target/build-forkline-client.log"
mv -f "$target/forkline-client.tmp" "$target/forkline-client"
exit 0
