package dev.forkline.workers.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolSpecTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    PoolSpec spec = PoolSpec.builder("test.echo").build();
    assertEquals(List.of("test.echo"), spec.kernels());
    assertEquals(Runtime.getRuntime().availableProcessors(), spec.workers());
    assertEquals(256L << 20, spec.heapBytes());
    assertEquals(2, spec.window());
    assertEquals(0, spec.maxTasksPerWorker());
    assertEquals(2, spec.crashRetries());
    assertEquals(0, spec.taskErrorRetries());
    assertEquals(Duration.ofSeconds(60), spec.taskTimeout());
    assertTrue(spec.javaCommand().endsWith("java"), spec.javaCommand());
    assertEquals(System.getProperty("java.class.path"), spec.classpath());
  }

  @Test
  void equalSettingsAreEqualSpecs() {
    PoolSpec a = PoolSpec.builder("test.echo").withWorkers(2).withHeap("64m").build();
    PoolSpec b = PoolSpec.builder("test.echo").withWorkers(2).withHeapBytes(64L << 20).build();
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, a.toBuilder().withJvmFlags("-Dx=1").build());
  }

  @Test
  void anUnknownKernelIsRefusedAtBuildTime() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PoolSpec.builder("nope").build());
    assertTrue(e.getMessage().contains("unknown kernel 'nope'"), e.getMessage());
  }

  @Test
  void badValuesAreRefusedWithTheirName() {
    PoolSpec.Builder b = PoolSpec.builder("test.echo");
    assertMessage("workers must be at least 1, was 0", () -> b.withWorkers(0).build());
    assertMessage("heap must be at least 16m", () -> b.withWorkers(1).withHeap("1m").build());
    assertMessage(
        "window must be at least 1, was 0", () -> b.withHeap("64m").withWindow(0).build());
    assertMessage(
        "taskTimeout must be positive",
        () -> b.withWindow(1).withTaskTimeout(Duration.ZERO).build());
    assertMessage(
        "crashRetries must be 0 or more",
        () -> b.withTaskTimeout(Duration.ofSeconds(1)).withCrashRetries(-1).build());
    assertMessage(
        "JVM flags must start with '-'", () -> b.withCrashRetries(0).withJvmFlags("Xmx1g").build());
    assertMessage("a pool needs at least one kernel", () -> PoolSpec.builder().build());
    assertMessage("bad size '12q'", () -> PoolSpec.builder("test.echo").withHeap("12q"));
  }

  @Test
  void heapSizesParseAndFormat() {
    assertEquals(512L << 20, PoolSpec.parseSize("512m"));
    assertEquals(2L << 30, PoolSpec.parseSize("2G"));
    assertEquals(4096, PoolSpec.parseSize("4k"));
    assertEquals("-Xmx512m", PoolSpec.heapFlag(512L << 20));
    assertEquals("-Xmx16385k", PoolSpec.heapFlag((16L << 20) + 1));
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    PoolSpec spec = PoolSpec.builder("test.echo", "test.pid").withJvmFlags("-Da=b").build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(spec, in.readObject());
    }
  }

  private static void assertMessage(String expected, Runnable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void workersStartFromTheJarsOfTheLoaderThatLoadedForkline() throws Exception {
    // A Flink TaskManager or Spark executor loads the job's jars into a URLClassLoader of its own.
    java.nio.file.Path classes =
        java.nio.file.Path.of(
            PoolSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (java.net.URLClassLoader job =
        new java.net.URLClassLoader(
            new java.net.URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Class<?> spec = job.loadClass(PoolSpec.class.getName());
      assertNotEquals(PoolSpec.class, spec);
      String classpath = (String) spec.getMethod("defaultClasspath").invoke(null);
      String[] entries = classpath.split(java.io.File.pathSeparator);
      assertEquals(classes.toString(), entries[0], classpath);
      String own = System.getProperty("java.class.path");
      assertTrue(
          List.of(entries).containsAll(List.of(own.split(java.io.File.pathSeparator))), classpath);
    }
  }
}
