package dev.forkline.pipelines.exec;

import java.nio.charset.StandardCharsets;

/** A remote call for tests: the element's text is the request, the reply's text the result. */
final class TextKernelCall implements RemoteCall<String, String> {
  private static final long serialVersionUID = 1L;
  private final String kernel;

  TextKernelCall(String kernel) {
    this.kernel = kernel;
  }

  @Override
  public String kernel() {
    return kernel;
  }

  @Override
  public byte[] request(String input) {
    return input.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String response(String input, byte[] reply) {
    return new String(reply, StandardCharsets.UTF_8);
  }
}
