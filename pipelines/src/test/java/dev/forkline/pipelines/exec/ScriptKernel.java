package dev.forkline.pipelines.exec;

import dev.forkline.workers.kernel.Kernel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A kernel for tests whose request says what to do, so one pool can mix good and bad elements:
 * {@code echo:TEXT}, {@code pid} (the worker's), {@code throw:MESSAGE}, {@code crash:EXIT}, {@code
 * hang}, {@code oom}.
 */
public final class ScriptKernel implements Kernel {
  public static final String NAME = "test.script";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] apply(byte[] request) throws Exception {
    String script = new String(request, StandardCharsets.UTF_8);
    int colon = script.indexOf(':');
    String op = colon < 0 ? script : script.substring(0, colon);
    String arg = colon < 0 ? "" : script.substring(colon + 1);
    switch (op) {
      case "echo":
        return arg.getBytes(StandardCharsets.UTF_8);
      case "pid":
        return Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8);
      case "throw":
        throw new IllegalArgumentException(arg);
      case "crash":
        Runtime.getRuntime().halt(Integer.parseInt(arg));
        return null;
      case "hang":
        while (true) {
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            // ignore: a hung kernel does not stop when asked
          }
        }
      case "oom":
        List<long[]> hog = new ArrayList<>();
        while (true) {
          hog.add(new long[1 << 20]);
        }
      default:
        throw new IllegalArgumentException("unknown op " + op);
    }
  }
}
