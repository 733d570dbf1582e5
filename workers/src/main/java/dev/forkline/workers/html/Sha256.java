package dev.forkline.workers.html;

import dev.forkline.workers.kernel.NativeLibrary;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of page bodies: on the CPU's SHA extensions through {@code src/main/c/forkline_sha256.c}
 * where the library was built and the CPU has them, else the JDK's {@link MessageDigest}. The JVMs
 * that parse run C1 alone, and HotSpot uses the SHA instructions only in C2's code: there the JDK's
 * SHA-256 is about 25 times slower than the native one. {@code FORKLINE_NATIVE_SHA256=0} turns the
 * native one off. Thread-safe.
 */
final class Sha256 {
  /** The library, loaded or not; {@code FORKLINE_NATIVE_SHA256=0} turns it off. */
  static final NativeLibrary LIBRARY =
      NativeLibrary.load("forkline_sha256", "FORKLINE_NATIVE_SHA256");

  static final String NO_SHA_NI = "the CPU has no SHA extensions";

  private static final String UNAVAILABLE_WHY = unavailableWhy0();

  private Sha256() {}

  private static String unavailableWhy0() {
    if (!LIBRARY.loaded()) {
      return LIBRARY.unavailableWhy();
    }
    try {
      return available0() ? null : NO_SHA_NI;
    } catch (LinkageError e) { // a library that loaded but does not have the function
      return "cannot use it: " + e;
    }
  }

  /** True when {@link #digest} runs natively. */
  static boolean nativeHere() {
    return UNAVAILABLE_WHY == null;
  }

  /** Why {@link #nativeHere()} is false, or null. */
  static String unavailableWhy() {
    return UNAVAILABLE_WHY;
  }

  /** The 32-byte SHA-256 of {@code data}. */
  static byte[] digest(byte[] data) {
    if (UNAVAILABLE_WHY == null) {
      byte[] out = new byte[32];
      digest0(data, 0, data.length, out);
      return out;
    }
    return jdk(data);
  }

  /** The JDK's SHA-256 of {@code data}. */
  static byte[] jdk(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static native boolean available0();

  private static native void digest0(byte[] data, int off, int len, byte[] out);
}
