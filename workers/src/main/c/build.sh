#!/bin/sh
# Builds libforkline_jpeg.so (forkline_jpeg.c) into the workers jar's classes, for NativeJpeg.
#
#   build.sh JAVA_HOME CLASSES_DIR
#
# Needs gcc and libjpeg-turbo's headers (Debian: apt-get install gcc libjpeg62-turbo-dev). Without
# them it says so and builds nothing, and never fails the build: forkline then decodes every JPEG
# with ImageIO, correct and about twice as slow.
set -u
java_home="$1"
classes="$2"
here="$(cd "$(dirname "$0")" && pwd)"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64 | Linux-amd64) arch=amd64 ;;
  Linux-aarch64 | Linux-arm64) arch=aarch64 ;;
  *) echo "forkline: no native JPEG decoder for $(uname -s)-$(uname -m); JPEGs decode with ImageIO" >&2; exit 0 ;;
esac
out="$classes/dev/forkline/workers/image/codec/native/linux-$arch"
mkdir -p "$out"
if ! command -v gcc >/dev/null 2>&1; then
  echo "forkline: no gcc, so no native JPEG decoder; JPEGs decode with ImageIO (apt-get install gcc libjpeg62-turbo-dev)" >&2
  rm -f "$out/libforkline_jpeg.so"
  exit 0
fi
# Headers from the JDK that runs Maven (java.home is the JDK itself from Java 9 on).
inc="$java_home/include"
[ -f "$inc/jni.h" ] || inc="$java_home/../include"
if ! gcc -O2 -fPIC -shared -Wall -Werror -fvisibility=hidden \
    -I"$inc" -I"$inc/linux" \
    -o "$out/libforkline_jpeg.so.tmp" "$here/forkline_jpeg.c" -ljpeg 2>"$out/build.log"; then
  echo "forkline: the native JPEG decoder did not build (no libjpeg62-turbo-dev?); JPEGs decode with ImageIO:" >&2
  sed 's/^/  /' "$out/build.log" >&2
  rm -f "$out/libforkline_jpeg.so.tmp" "$out/libforkline_jpeg.so" "$out/build.log"
  exit 0
fi
rm -f "$out/build.log"
mv -f "$out/libforkline_jpeg.so.tmp" "$out/libforkline_jpeg.so"
