package dev.forkline.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;

/** What the tests of a native library require before they compare it with its Java twin. */
public final class NativeLibraries {
  private NativeLibraries() {}

  /**
   * Skips the test where the build could not make {@code library} or the user turned it off;
   * anywhere else a library that does not load is a failure.
   */
  public static void requireLoaded(NativeLibrary library) {
    String skipped = library.buildSkipped();
    Assumptions.assumeTrue(skipped == null, "the build made no library: " + skipped);
    Assumptions.assumeFalse(
        library.turnedOff(), "the native code is turned off: " + library.unavailableWhy());
    assertTrue(library.loaded(), "native library: " + library.unavailableWhy());
  }
}
