package dev.forkline.workers.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.kernel.Kernels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Drives the worker loop through in-memory streams with the real kernel registry. */
class WorkerLoopTest {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Feeds the requests, runs the loop to the end of input and returns every response. */
  private static List<Message.Response> serve(Message.Request... requests)
      throws IOException, InterruptedException {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(input);
    for (Message.Request request : requests) {
      Frames.write(out, request);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    WorkerLoop loop =
        new WorkerLoop(
            new StreamTransport(
                new ByteArrayInputStream(input.toByteArray()), output, 1 << 20, () -> {}),
            Kernels::get);
    loop.run();
    loop.finish();
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(output.toByteArray()));
    List<Message.Response> responses = new ArrayList<>();
    Message message;
    while ((message = Frames.read(in, 1 << 20)) != null) {
      responses.add((Message.Response) message);
    }
    return responses;
  }

  @Test
  void answersEachRequestOnceInOrder() throws Exception {
    List<Message.Response> responses =
        serve(
            new Message.Request(1, "test.echo", bytes("a")),
            new Message.Request(2, "test.noop", bytes("b")),
            new Message.Request(3, "test.echo", bytes("c")));

    assertEquals(3, responses.size());
    assertEquals(List.of(1L, 2L, 3L), responses.stream().map(Message.Response::id).toList());
    assertArrayEquals(bytes("a"), responses.get(0).payload());
    assertArrayEquals(new byte[0], responses.get(1).payload());
    assertArrayEquals(bytes("c"), responses.get(2).payload());
  }

  @Test
  void aKernelExceptionIsAnErrorResponseAndTheLoopGoesOn() throws Exception {
    List<Message.Response> responses =
        serve(
            new Message.Request(1, "test.throw", bytes("broken input")),
            new Message.Request(2, "test.echo", bytes("after")));

    assertEquals(2, responses.size());
    Message.Response error = responses.get(0);
    assertFalse(error.ok());
    assertEquals("java.lang.IllegalStateException", error.errorClass());
    assertEquals("broken input", error.errorMessage());
    assertTrue(error.stackTrace().contains("TestKernels$Throw.apply"), error.stackTrace());
    assertArrayEquals(bytes("after"), responses.get(1).payload());
  }

  @Test
  void anUnknownKernelIsAnErrorResponseListingTheKnownOnes() throws Exception {
    List<Message.Response> responses =
        serve(
            new Message.Request(5, "no.such.kernel", bytes("x")),
            new Message.Request(6, "test.echo", bytes("y")));

    assertEquals(5, responses.get(0).id());
    assertEquals("java.lang.IllegalArgumentException", responses.get(0).errorClass());
    assertTrue(
        responses.get(0).errorMessage().contains("unknown kernel 'no.such.kernel'")
            && responses.get(0).errorMessage().contains("test.echo"),
        responses.get(0).errorMessage());
    assertTrue(responses.get(1).ok());
  }

  @Test
  void runReturnsAtEndOfInputWhileAKernelStillRuns() throws Exception {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    Frames.write(new DataOutputStream(input), new Message.Request(1, "test.hang", new byte[0]));
    WorkerLoop loop =
        new WorkerLoop(
            new StreamTransport(
                new ByteArrayInputStream(input.toByteArray()),
                new ByteArrayOutputStream(),
                1 << 20,
                () -> {}),
            Kernels::get);
    long start = System.nanoTime();
    loop.run(); // must not wait for test.hang, which never returns
    assertTrue(System.nanoTime() - start < 5_000_000_000L);
  }
}
