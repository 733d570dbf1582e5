package dev.forkline.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KernelsTest {

  @Test
  void findsTheRegisteredTestKernels() {
    assertTrue(
        Kernels.names()
            .containsAll(
                java.util.List.of(
                    "test.echo",
                    "test.noop",
                    "test.sleep",
                    "test.burn",
                    "test.crash",
                    "test.oom",
                    "test.hang",
                    "test.throw",
                    "test.stdout-garbage",
                    "test.pid")),
        Kernels.names().toString());
    assertEquals("test.echo", Kernels.get("test.echo").name());
  }

  @Test
  void thePipelineKernelsWarmUpWithoutAFailure() throws Exception {
    for (String name : java.util.List.of("image.transform", "html.parse")) {
      assertDoesNotThrow(() -> Kernels.get(name).warmUp(), name);
    }
  }

  @Test
  void theJarRegistersThePipelineKernelsAndNoTestKernel() throws Exception {
    java.util.List<String> jar = null;
    for (java.net.URL url :
        java.util.Collections.list(
            getClass()
                .getClassLoader()
                .getResources("META-INF/services/" + Kernel.class.getName()))) {
      if (!url.getPath().contains("test-classes")) {
        try (java.io.InputStream in = url.openStream()) {
          jar =
              java.util.List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
      }
    }
    assertEquals(
        java.util.List.of(
            "dev.forkline.workers.image.TransformKernel", "dev.forkline.workers.html.HtmlKernel"),
        jar);
  }

  @Test
  void anUnknownNameListsTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Kernels.get("nope"));
    assertTrue(e.getMessage().startsWith("unknown kernel 'nope'; known kernels: "), e.getMessage());
    assertTrue(e.getMessage().contains("test.sleep"), e.getMessage());
  }

  @Test
  void burnIsDeterministicRealWork() throws Exception {
    byte[] one = Kernels.get("test.burn").apply("1".getBytes(StandardCharsets.UTF_8));
    byte[] again = Kernels.get("test.burn").apply("1".getBytes(StandardCharsets.UTF_8));
    byte[] two = Kernels.get("test.burn").apply("2".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(one, again);
    assertTrue(!java.util.Arrays.equals(one, two));
  }
}
