package dev.forkline.workers.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads one of the JNI libraries that {@code src/main/c/build.sh} builds into the jar ({@code
 * dev/forkline/workers/native/linux-ARCH/libNAME.so}). Each has Java code that does the same work,
 * which runs when the library is missing (no gcc when built, another OS), fails to load, or is
 * turned off by its environment variable.
 */
public final class NativeLibrary {
  private static final String DIR = "/dev/forkline/workers/native/";

  private NativeLibrary() {}

  /**
   * Loads {@code libNAME.so} into this JVM; null when loaded, else why not (for the logs). {@code
   * offSwitch=0} in the environment turns it off.
   */
  public static String load(String name, String offSwitch) {
    try {
      return tryLoad(name, offSwitch);
    } catch (IOException | LinkageError | SecurityException e) {
      return "cannot load it: " + e;
    }
  }

  private static String tryLoad(String name, String offSwitch) throws IOException {
    if ("0".equals(System.getenv(offSwitch))) {
      return "turned off by " + offSwitch + "=0";
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("aarch64"))) {
      return "no build for " + os + "-" + arch;
    }
    try (InputStream in =
        NativeLibrary.class.getResourceAsStream(DIR + "linux-" + arch + "/lib" + name + ".so")) {
      if (in == null) {
        String why = buildSkipped(name);
        return "not in this build: " + (why != null ? why : "it needs gcc when built");
      }
      // A file of this JVM's own, unlinked once loaded: the mapping stays, nothing is left behind.
      Path file = Files.createTempFile("forkline-" + name + "-", ".so");
      try {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        System.load(file.toAbsolutePath().toString());
      } finally {
        Files.deleteIfExists(file);
      }
    }
    return null;
  }

  /** Why the build left {@code libNAME.so} out (build.sh says so), or null. */
  public static String buildSkipped(String name) {
    try (InputStream in = NativeLibrary.class.getResourceAsStream(DIR + name + ".UNAVAILABLE")) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return null;
    }
  }
}
