package dev.forkline.workers.kernel;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The pieces kernels build their request and reply bytes from: nullable strings of any length (an
 * int byte count, -1 for null, then UTF-8; {@code writeUTF} stops at 64 KB), string lists, and
 * messages cut to a bound. Reads check every count against the bytes left, so a broken message
 * fails as an {@link IOException}, never as a huge allocation.
 */
public final class KernelMessages {
  private KernelMessages() {}

  public static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  public static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    if (length > in.available()) {
      throw new IOException("string of " + length + " bytes runs past the message's end");
    }
    byte[] utf8 = new byte[length];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  public static void writeStrings(DataOutputStream out, List<String> values) throws IOException {
    out.writeInt(values.size());
    for (String v : values) {
      writeString(out, v);
    }
  }

  public static List<String> readStrings(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available() / Integer.BYTES) {
      throw new IOException("list of " + n + " strings runs past the message's end");
    }
    List<String> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      values.add(readString(in));
    }
    return values;
  }

  /** {@code s} cut to {@code max} characters and marked with "...", if longer; null stays null. */
  public static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
