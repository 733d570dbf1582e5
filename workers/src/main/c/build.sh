#!/bin/sh
# Builds libforkline_jpeg.so (forkline_jpeg.c) into the workers jar's classes, for NativeJpeg.
#
#   build.sh JAVA_HOME CLASSES_DIR
#
# Needs gcc and libjpeg-turbo's headers (Debian: apt-get install gcc libjpeg62-turbo-dev). Without
# them it says so and builds nothing, and never fails the build: forkline then decodes every JPEG
# with ImageIO, correct and about twice as slow.
#
# When it builds nothing it leaves the reason in native/UNAVAILABLE next to the classes, so the
# tests of the native decoder know to skip rather than fail.
set -u
java_home="$1"
classes="$2"
here="$(cd "$(dirname "$0")" && pwd)"
native="$classes/dev/forkline/workers/image/codec/native"
mkdir -p "$native"
skip() {
  echo "forkline: $1; JPEGs decode with ImageIO" >&2
  echo "$1" >"$native/UNAVAILABLE"
  exit 0
}
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64 | Linux-amd64) arch=amd64 ;;
  Linux-aarch64 | Linux-arm64) arch=aarch64 ;;
  *) skip "no native JPEG decoder for $(uname -s)-$(uname -m)" ;;
esac
out="$native/linux-$arch"
mkdir -p "$out"
rm -f "$out/libforkline_jpeg.so"
if ! command -v gcc >/dev/null 2>&1; then
  skip "no gcc, so no native JPEG decoder (apt-get install gcc libjpeg62-turbo-dev)"
fi
# Headers from the JDK that runs Maven (java.home is the JDK itself from Java 9 on).
inc="$java_home/include"
[ -f "$inc/jni.h" ] || inc="$java_home/../include"
if ! gcc -O2 -fPIC -shared -Wall -Werror -fvisibility=hidden \
    -I"$inc" -I"$inc/linux" \
    -o "$out/libforkline_jpeg.so.tmp" "$here/forkline_jpeg.c" -ljpeg 2>"$out/build.log"; then
  sed 's/^/  /' "$out/build.log" >&2
  rm -f "$out/libforkline_jpeg.so.tmp" "$out/build.log"
  skip "the native JPEG decoder did not build (no libjpeg62-turbo-dev?)"
fi
rm -f "$out/build.log" "$native/UNAVAILABLE"
mv -f "$out/libforkline_jpeg.so.tmp" "$out/libforkline_jpeg.so"
