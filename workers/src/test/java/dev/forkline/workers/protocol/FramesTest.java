package dev.forkline.workers.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FramesTest {

  private static byte[] encode(Message... messages) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    for (Message message : messages) {
      Frames.write(out, message);
    }
    return bytes.toByteArray();
  }

  private static DataInputStream in(byte[] bytes) {
    return new DataInputStream(new ByteArrayInputStream(bytes));
  }

  @Test
  void everyKindOfMessageSurvivesARoundTrip() throws IOException {
    byte[] payload = "héllo".getBytes(StandardCharsets.UTF_8);
    DataInputStream in =
        in(
            encode(
                new Message.Hello(Frames.VERSION, 7, 4242),
                new Message.Request(11, "test.echo", payload),
                Message.Response.ok(11, 1234, payload),
                new Message.Response(12, 99, null, "java.lang.X", null, "trace")));

    assertEquals(new Message.Hello(Frames.VERSION, 7, 4242), Frames.read(in, 1024));
    Message.Request request = (Message.Request) Frames.read(in, 1024);
    assertEquals(11, request.id());
    assertEquals("test.echo", request.kernel());
    assertArrayEquals(payload, request.payload());
    Message.Response ok = (Message.Response) Frames.read(in, 1024);
    assertTrue(ok.ok());
    assertEquals(1234, ok.workerNanos());
    assertArrayEquals(payload, ok.payload());
    Message.Response error = (Message.Response) Frames.read(in, 1024);
    assertFalse(error.ok());
    assertEquals(12, error.id());
    assertEquals("java.lang.X", error.errorClass());
    assertNull(error.errorMessage());
    assertEquals("trace", error.stackTrace());
    assertNull(Frames.read(in, 1024), "clean end of stream between frames");
  }

  @Test
  void anErrorResponseCarriesTheExceptionAndItsStackTrace() throws IOException {
    Message.Response sent = Message.Response.error(3, 5, new IllegalStateException("bad input"));
    Message.Response read = (Message.Response) Frames.read(in(encode(sent)), 1 << 20);
    assertEquals("java.lang.IllegalStateException", read.errorClass());
    assertEquals("bad input", read.errorMessage());
    assertTrue(read.stackTrace().contains("FramesTest"), read.stackTrace());
  }

  @Test
  void anAbsurdLengthIsRejectedWithAClearMessage() {
    byte[] garbage = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII);
    IOException e = assertThrows(IOException.class, () -> Frames.read(in(garbage), 1 << 20));
    assertTrue(e.getMessage().contains("bad frame length 1213486160"), e.getMessage());
  }

  @Test
  void aFrameLongerThanTheLimitIsRejected() throws IOException {
    byte[] bytes = encode(new Message.Request(1, "k", new byte[2000]));
    IOException e = assertThrows(IOException.class, () -> Frames.read(in(bytes), 1000));
    assertTrue(e.getMessage().contains("accepted: 9 to 1000 bytes"), e.getMessage());
  }

  @Test
  void aStreamEndingInsideAFrameIsAnError() throws IOException {
    byte[] whole = encode(new Message.Request(1, "test.echo", new byte[100]));
    byte[] cut = Arrays.copyOf(whole, whole.length - 1);
    IOException e = assertThrows(IOException.class, () -> Frames.read(in(cut), 1 << 20));
    assertTrue(e.getMessage().contains("ended inside a frame"), e.getMessage());
  }

  @Test
  void anUnknownFrameTypeIsAnError() {
    byte[] bytes = {0, 0, 0, 9, 42, 0, 0, 0, 0, 0, 0, 0, 1};
    IOException e = assertThrows(IOException.class, () -> Frames.read(in(bytes), 1 << 20));
    assertTrue(e.getMessage().contains("unknown frame type 42"), e.getMessage());
  }
}
