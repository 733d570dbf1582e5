package dev.forkline.workers.testkernels;

import dev.forkline.workers.kernel.Kernel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Kernels for testing and benchmarking the process pool, all named {@code test.*}. Payloads are
 * UTF-8 text; numbers are decimal. Each kernel is stateless and thread-safe.
 */
public final class TestKernels {

  private TestKernels() {}

  static String text(byte[] input) {
    return new String(input, StandardCharsets.UTF_8);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The first space-separated word of the payload as a number. */
  static long firstNumber(byte[] input) {
    String text = text(input).strip();
    int space = text.indexOf(' ');
    return Long.parseLong(space < 0 ? text : text.substring(0, space));
  }

  /** {@code test.echo}: returns its payload. */
  public static final class Echo implements Kernel {
    @Override
    public String name() {
      return "test.echo";
    }

    @Override
    public byte[] apply(byte[] input) {
      return input;
    }
  }

  /** {@code test.noop}: returns an empty payload. */
  public static final class Noop implements Kernel {
    private static final byte[] EMPTY = new byte[0];

    @Override
    public String name() {
      return "test.noop";
    }

    @Override
    public byte[] apply(byte[] input) {
      return EMPTY;
    }
  }

  /**
   * {@code test.sleep}: payload {@code "MS"} or {@code "MS TAG"}; sleeps MS milliseconds and
   * returns its payload.
   */
  public static final class Sleep implements Kernel {
    @Override
    public String name() {
      return "test.sleep";
    }

    @Override
    public byte[] apply(byte[] input) throws InterruptedException {
      Thread.sleep(firstNumber(input));
      return input;
    }
  }

  /**
   * {@code test.burn}: payload {@code "MS"}; a fixed amount of integer computation that takes about
   * MS milliseconds of one core on the reference machine (more on a slower one, never a sleep).
   * Returns the computation's checksum, so the same payload gives the same answer in any JVM.
   */
  public static final class Burn implements Kernel {
    /** Loop rounds per millisecond of the reference machine (2-core development box, JDK 17). */
    public static final long ROUNDS_PER_MS = 440_000;

    @Override
    public String name() {
      return "test.burn";
    }

    @Override
    public byte[] apply(byte[] input) {
      return bytes(Long.toString(burn(firstNumber(input) * ROUNDS_PER_MS)));
    }

    /** A chain of xorshift rounds: each depends on the last, so none can be skipped. */
    public static long burn(long rounds) {
      long x = 0x9E3779B97F4A7C15L;
      for (long i = 0; i < rounds; i++) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        x += i;
      }
      return x;
    }
  }

  /**
   * {@code test.crash}: payload {@code "CODE"} or {@code "CODE DELAY_MS"}; halts the JVM with that
   * exit code (after the delay), without running shutdown hooks.
   */
  public static final class Crash implements Kernel {
    @Override
    public String name() {
      return "test.crash";
    }

    @Override
    public byte[] apply(byte[] input) throws InterruptedException {
      String[] words = text(input).strip().split(" ");
      if (words.length > 1) {
        Thread.sleep(Long.parseLong(words[1]));
      }
      Runtime.getRuntime().halt(Integer.parseInt(words[0]));
      throw new AssertionError("unreachable");
    }
  }

  /** {@code test.oom}: allocates and keeps 1 MiB arrays until the heap is exhausted. */
  public static final class Oom implements Kernel {
    @Override
    public String name() {
      return "test.oom";
    }

    @Override
    public byte[] apply(byte[] input) {
      List<long[]> hoard = new ArrayList<>();
      while (true) {
        hoard.add(new long[128 * 1024]);
      }
    }
  }

  /** {@code test.hang}: never returns and ignores interrupts (without using a core). */
  public static final class Hang implements Kernel {
    @Override
    public String name() {
      return "test.hang";
    }

    @Override
    @SuppressWarnings("InfiniteLoopStatement")
    public byte[] apply(byte[] input) {
      while (true) {
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException ignored) {
          // hangs on purpose
        }
      }
    }
  }

  /** {@code test.throw}: throws an {@link IllegalStateException} whose message is the payload. */
  public static final class Throw implements Kernel {
    @Override
    public String name() {
      return "test.throw";
    }

    @Override
    public byte[] apply(byte[] input) {
      throw new IllegalStateException(text(input));
    }
  }

  /**
   * {@code test.stdout-garbage}: prints junk to {@code System.out} (text, binary, bytes that look
   * like a frame header) and returns its payload.
   */
  public static final class StdoutGarbage implements Kernel {
    @Override
    public String name() {
      return "test.stdout-garbage";
    }

    @Override
    public byte[] apply(byte[] input) {
      System.out.println("garbage on stdout: this must not reach the protocol");
      System.out.write(new byte[] {0, 0, 0, 13, 3, 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0xff}, 0, 14);
      System.out.print("\u0000\u00ff\r\n");
      System.out.flush();
      System.err.println("garbage on stderr");
      return input;
    }
  }

  /** {@code test.pid}: returns the process id of the JVM that runs it. */
  public static final class Pid implements Kernel {
    @Override
    public String name() {
      return "test.pid";
    }

    @Override
    public byte[] apply(byte[] input) {
      return bytes(Long.toString(ProcessHandle.current().pid()));
    }
  }

  /** Answers the system property {@code forkline.test.flag}, which its default worker flags set. */
  public static final class JvmFlag implements Kernel {
    @Override
    public String name() {
      return "test.jvm-flag";
    }

    @Override
    public java.util.List<String> workerJvmFlags() {
      return java.util.List.of("-Dforkline.test.flag=from-kernel");
    }

    @Override
    public java.util.List<String> keptWorkerJvmFlags() {
      return java.util.List.of("-Dforkline.test.flag=from-kernel-kept");
    }

    @Override
    public byte[] apply(byte[] input) {
      return bytes(String.valueOf(System.getProperty("forkline.test.flag")));
    }
  }
}
