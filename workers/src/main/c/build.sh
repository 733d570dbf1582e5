#!/bin/sh
# Builds the workers' JNI libraries into the jar's classes (dev/forkline/workers/native/):
#   libforkline_jpeg.so     forkline_jpeg.c, for NativeJpeg: JPEG decode and encode on libjpeg-turbo
#   libforkline_filters.so  forkline_filters.c, for NativeFilters: the opaque resize, blur and
#                           sharpen loops
#   libforkline_sha256.so   forkline_sha256.c, for html.Sha256: SHA-256 of page bodies on SHA-NI
#
#   build.sh JAVA_HOME CLASSES_DIR
#
# Needs gcc (both) and libjpeg-turbo's headers (the JPEG one; Debian: apt-get install gcc
# libjpeg62-turbo-dev). A library that cannot build is left out with a note and never fails the
# build: forkline then runs the Java code it stands in for (ImageIO for JPEGs, about twice as slow;
# HotSpot-compiled loops for the filters, the same pixels, slower in a fresh JVM; the JDK's
# SHA-256, the same hash, slower in a JVM without C2).
#
# Each library left out leaves its reason in native/NAME.UNAVAILABLE, so its tests know to skip
# rather than fail.
set -u
java_home="$1"
classes="$2"
here="$(cd "$(dirname "$0")" && pwd)"
native="$classes/dev/forkline/workers/native"
mkdir -p "$native"
# Older builds put the JPEG library next to the codec classes.
rm -rf "$classes/dev/forkline/workers/image/codec/native" "$classes/dev/forkline/workers/image/native"

# build NAME WHAT SOURCE [LIBS...]: builds libNAME.so, or notes in NAME.UNAVAILABLE why not.
build() {
  name="$1"
  what="$2"
  source="$3"
  shift 3
  rm -f "$native/$name.UNAVAILABLE"
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64 | Linux-amd64) arch=amd64 ;;
    Linux-aarch64 | Linux-arm64) arch=aarch64 ;;
    *) skip "$name" "no build of $what for $(uname -s)-$(uname -m)"; return ;;
  esac
  out="$native/linux-$arch"
  mkdir -p "$out"
  rm -f "$out/lib$name.so"
  if ! command -v gcc >/dev/null 2>&1; then
    skip "$name" "no gcc, so no $what (apt-get install gcc libjpeg62-turbo-dev)"
    return
  fi
  # Headers from the JDK that runs Maven (java.home is the JDK itself from Java 9 on).
  inc="$java_home/include"
  [ -f "$inc/jni.h" ] || inc="$java_home/../include"
  # -fwrapv: ints wrap as Java's do; -ffp-contract=off: no fused multiply-add, so float sums round
  # as Java's do (NativeFiltersTest compares the pixels bit for bit).
  if ! gcc -O3 -fPIC -shared -Wall -Werror -fvisibility=hidden -fwrapv -ffp-contract=off \
      -I"$inc" -I"$inc/linux" \
      -o "$out/lib$name.so.tmp" "$here/$source" "$@" 2>"$out/build-$name.log"; then
    sed 's/^/  /' "$out/build-$name.log" >&2
    rm -f "$out/lib$name.so.tmp" "$out/build-$name.log"
    skip "$name" "$what did not build${1:+ (no libjpeg62-turbo-dev?)}"
    return
  fi
  rm -f "$out/build-$name.log"
  mv -f "$out/lib$name.so.tmp" "$out/lib$name.so"
}

skip() {
  echo "forkline: $2; the Java code runs instead" >&2
  echo "$2" >"$native/$1.UNAVAILABLE"
}

build forkline_jpeg "the native JPEG codec" forkline_jpeg.c -ljpeg
build forkline_filters "the native resize and sharpen loops" forkline_filters.c -lm
build forkline_sha256 "the native SHA-256" forkline_sha256.c
exit 0
