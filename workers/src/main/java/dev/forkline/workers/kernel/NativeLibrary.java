package dev.forkline.workers.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * One of the JNI libraries that {@code src/main/c/build.sh} builds into the jar ({@code
 * dev/forkline/workers/native/linux-ARCH/libNAME.so}), loaded into this JVM or not, and why not.
 * Each has Java code that does the same work, which runs when the library is missing (no gcc when
 * built, another OS), fails to load, or is turned off by its environment variable.
 */
public final class NativeLibrary {
  private static final String DIR = "/dev/forkline/workers/native/";
  private static final String TURNED_OFF = "turned off by ";

  private final String name;
  private final String unavailableWhy;

  private NativeLibrary(String name, String unavailableWhy) {
    this.name = name;
    this.unavailableWhy = unavailableWhy;
  }

  /** Loads {@code libNAME.so} into this JVM unless {@code offSwitch=0} is in the environment. */
  public static NativeLibrary load(String name, String offSwitch) {
    String why;
    try {
      why = tryLoad(name, offSwitch);
    } catch (IOException | LinkageError | SecurityException e) {
      why = "cannot load it: " + e;
    }
    return new NativeLibrary(name, why);
  }

  /** True when the library is loaded and its functions may be called. */
  public boolean loaded() {
    return unavailableWhy == null;
  }

  /** Why {@link #loaded()} is false (for the logs), or null. */
  public String unavailableWhy() {
    return unavailableWhy;
  }

  /** True when the user turned the library off with its environment variable. */
  public boolean turnedOff() {
    return unavailableWhy != null && unavailableWhy.startsWith(TURNED_OFF);
  }

  /** Why the build left the library out ({@code build.sh} says so), or null. */
  public String buildSkipped() {
    return buildSkipped(name);
  }

  private static String tryLoad(String name, String offSwitch) throws IOException {
    if ("0".equals(System.getenv(offSwitch))) {
      return TURNED_OFF + offSwitch + "=0";
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

  private static String buildSkipped(String name) {
    try (InputStream in = NativeLibrary.class.getResourceAsStream(DIR + name + ".UNAVAILABLE")) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return null;
    }
  }
}
