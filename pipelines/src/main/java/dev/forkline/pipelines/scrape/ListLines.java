package dev.forkline.pipelines.scrape;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The physical lines of a URL list, decoded as its byte-order mark says (UTF-8, UTF-16 LE/BE,
 * UTF-32 LE/BE), else as UTF-8. Lines end at LF, CR LF or CR. Each line is decoded strictly on its
 * own, so bytes that do not decode (or NUL characters, what a UTF-16 list without a BOM shows as
 * UTF-8) spoil only their line: it comes back with a problem instead of text, and the next line
 * reads as usual. Not thread-safe.
 */
final class ListLines implements Closeable {
  /** A longer line fails (only its first part is kept, for the row): no URL list has one. */
  static final int MAX_LINE_BYTES = 16 << 20;

  /**
   * One physical line: its number (from 1) and text, or when {@code problem} is not null, why it
   * could not be read ({@code text} then holds what could be made of it, for people).
   */
  record Line(int number, String text, String problem) {}

  private final InputStream in;
  private final Charset charset;
  private final boolean bom;
  private final int unit;
  private final boolean bigEndian;
  private final CharsetDecoder decoder;
  private final byte[] buffer = new byte[1 << 16];
  private int pos;
  private int end;
  private boolean eof;
  private byte[] line = new byte[256];
  private int length;
  private boolean tooLong;
  private CharBuffer chars = CharBuffer.allocate(256);
  private int number;

  /** Whether the stream ends where the file does (a range may end before). */
  private boolean endsFile = true;

  private ListLines(InputStream in) throws IOException {
    this(in, true, 0);
  }

  /**
   * Lines of {@code in}; {@code atStart}: the stream starts the file, so a byte-order mark is read,
   * else the bytes are UTF-8 (a range of a list {@link #bytewise()}) and the first line is number
   * {@code linesBefore + 1}.
   */
  private ListLines(InputStream in, boolean atStart, int linesBefore) throws IOException {
    this.in = in;
    this.number = linesBefore;
    fill(4);
    Charset cs = StandardCharsets.UTF_8;
    int bomLength = 0;
    if (!atStart) {
      bomLength = 0;
    } else if (startsWith(0xEF, 0xBB, 0xBF)) {
      bomLength = 3;
    } else if (startsWith(0xFF, 0xFE, 0x00, 0x00)) {
      cs = Charset.forName("UTF-32LE");
      bomLength = 4;
    } else if (startsWith(0x00, 0x00, 0xFE, 0xFF)) {
      cs = Charset.forName("UTF-32BE");
      bomLength = 4;
    } else if (startsWith(0xFF, 0xFE)) {
      cs = StandardCharsets.UTF_16LE;
      bomLength = 2;
    } else if (startsWith(0xFE, 0xFF)) {
      cs = StandardCharsets.UTF_16BE;
      bomLength = 2;
    }
    pos = bomLength;
    charset = cs;
    bom = bomLength > 0;
    unit = cs.name().startsWith("UTF-32") ? 4 : cs.name().startsWith("UTF-16") ? 2 : 1;
    bigEndian = cs.name().endsWith("BE");
    decoder =
        cs.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  static ListLines open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    try {
      return new ListLines(in);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /**
   * The lines of the bytes {@code [start, end)} of {@code file}, which begin a line (see {@link
   * ListRange}); the first is line {@code linesBefore + 1}. Only a range of a list read {@link
   * #bytewise()} starts elsewhere than at 0.
   */
  static ListLines open(Path file, long start, long end, int linesBefore) throws IOException {
    java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file);
    try {
      channel.position(start);
      InputStream in = new RangeInput(channel, end - start);
      ListLines lines = new ListLines(in, start == 0, linesBefore);
      lines.endsFile = end >= channel.size();
      return lines;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Whether the list's code units are single bytes (UTF-8, with or without a BOM), so that a line
   * ends at a byte LF or CR and the file can be read in ranges.
   */
  boolean bytewise() {
    return unit == 1;
  }

  /** At most {@code left} bytes of a channel, from its position. */
  private static final class RangeInput extends InputStream {
    private final java.nio.channels.FileChannel channel;
    private long left;

    RangeInput(java.nio.channels.FileChannel channel, long left) {
      this.channel = channel;
      this.left = left;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] into, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(into, off, (int) Math.min(len, left)));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** The next line, or null after the last one. */
  Line next() throws IOException {
    length = 0;
    tooLong = false;
    if (!(unit == 1 ? readByteLine() : readUnitLine())) {
      return null;
    }
    if (onlyNuls() && endsFile && !(pos < end || fill(1))) {
      return null; // the high byte of a UTF-16 list's last newline, read as UTF-8: no line
    }
    number++;
    if (tooLong) {
      return new Line(
          number,
          lossy(),
          "the line is longer than "
              + (MAX_LINE_BYTES >> 20)
              + " MiB; a list holds one URL per line (or one CSV record)");
    }
    return decode();
  }

  /** Reads a line of one-byte units into {@code line}; false at the end of the file. */
  private boolean readByteLine() throws IOException {
    boolean any = false;
    while (pos < end || fill(1)) {
      any = true;
      int i = pos;
      while (i < end && buffer[i] != '\n' && buffer[i] != '\r') {
        i++;
      }
      appendBytes(pos, i - pos);
      pos = i;
      if (i < end) {
        byte terminator = buffer[pos++];
        if (terminator == '\r' && (pos < end || fill(1)) && buffer[pos] == '\n') {
          pos++;
        }
        return true;
      }
    }
    return any;
  }

  /** Reads a line of code units of {@link #unit} bytes into {@code line}; false at the end. */
  private boolean readUnitLine() throws IOException {
    boolean any = false;
    while (true) {
      long u = readUnit();
      if (u < 0) {
        return any || length > 0;
      }
      any = true;
      if (u == '\n') {
        return true;
      }
      if (u == '\r') {
        if (peekUnit() == '\n') {
          readUnit();
        }
        return true;
      }
      append(u);
    }
  }

  private boolean onlyNuls() {
    for (int i = 0; i < length; i++) {
      if (line[i] != 0) {
        return false;
      }
    }
    return length > 0;
  }

  private Line decode() {
    if (unit == 1 && printableAscii()) {
      return new Line(number, new String(line, 0, length, StandardCharsets.ISO_8859_1), null);
    }
    ByteBuffer bytes = ByteBuffer.wrap(line, 0, length);
    if (chars.capacity() < length + 1) {
      chars = CharBuffer.allocate(Math.max(length + 1, chars.capacity() * 2));
    }
    chars.clear();
    decoder.reset();
    CoderResult result = decoder.decode(bytes, chars, true);
    if (!result.isError()) {
      result = decoder.flush(chars);
    }
    if (result.isError()) {
      int at = bytes.position();
      StringBuilder hex = new StringBuilder();
      for (int i = at; i < Math.min(at + Math.max(1, result.length()), length); i++) {
        hex.append(hex.length() == 0 ? "" : " ").append(String.format("0x%02X", line[i] & 0xFF));
      }
      return new Line(
          number,
          lossy(),
          "the line is not valid "
              + charset.name()
              + ": byte "
              + (at + 1)
              + " of the line ("
              + hex
              + ") is no character; "
              + ACCEPTED);
    }
    chars.flip();
    String text = chars.toString();
    if (text.indexOf('\0') >= 0) {
      return new Line(
          number,
          text.replace("\0", ""),
          bom
              ? "the line has NUL characters, which no URL or CSV field can hold; remove them"
              : "the line has NUL characters, as a list saved as UTF-16 without a byte-order mark"
                  + " (BOM) has when read as UTF-8; "
                  + ACCEPTED);
    }
    return new Line(number, text, null);
  }

  private static final String ACCEPTED =
      "a list is read as UTF-8, or as UTF-16 or UTF-32 when it starts with a byte-order mark"
          + " (BOM): save it in one of those";

  /**
   * The line (its first 64 KiB) decoded with replacement characters and without NULs: what a row
   * can show.
   */
  private String lossy() {
    int n = Math.min(length, 1 << 16);
    return new String(line, 0, n - n % unit, charset).replace("\0", "");
  }

  /** Whether the line is ASCII without NUL: the common case, decoded without a decoder. */
  private boolean printableAscii() {
    for (int i = 0; i < length; i++) {
      if (line[i] <= 0) {
        return false;
      }
    }
    return true;
  }

  private void appendBytes(int from, int n) {
    if (tooLong || length + n > MAX_LINE_BYTES) {
      tooLong = true;
      return;
    }
    if (length + n > line.length) {
      line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, length + n));
    }
    System.arraycopy(buffer, from, line, length, n);
    length += n;
  }

  private void append(long u) {
    if (tooLong || length + unit > MAX_LINE_BYTES) {
      tooLong = true;
      return;
    }
    if (length + unit > line.length) {
      line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, length + unit));
    }
    for (int i = 0; i < unit; i++) {
      int shift = 8 * (bigEndian ? unit - 1 - i : i);
      line[length++] = (byte) (u >>> shift);
    }
  }

  /**
   * The next code unit, or -1 at the end; a partial unit at the end is added to the line as it is
   * (its decoding then reports it).
   */
  private long readUnit() throws IOException {
    long u = peekUnit();
    if (u >= 0) {
      pos += unit;
    } else if (end > pos) {
      while (pos < end) {
        if (length + 1 > line.length) {
          line = java.util.Arrays.copyOf(line, line.length * 2);
        }
        line[length++] = buffer[pos++];
      }
    }
    return u;
  }

  /** The next code unit, unsigned (a UTF-32 unit may have its high bit set), or -1 at the end. */
  private long peekUnit() throws IOException {
    if (end - pos < unit && !fill(unit)) {
      return -1;
    }
    if (unit == 1) {
      return buffer[pos] & 0xFF;
    }
    long u = 0;
    for (int i = 0; i < unit; i++) {
      int shift = 8 * (bigEndian ? unit - 1 - i : i);
      u |= (long) (buffer[pos + i] & 0xFF) << shift;
    }
    return u;
  }

  /** Makes at least {@code need} bytes available; false when the file ends first. */
  private boolean fill(int need) throws IOException {
    if (end - pos >= need) {
      return true;
    }
    if (pos > 0) {
      System.arraycopy(buffer, pos, buffer, 0, end - pos);
      end -= pos;
      pos = 0;
    }
    while (end < need && !eof) {
      int n = in.read(buffer, end, buffer.length - end);
      if (n < 0) {
        eof = true;
      } else {
        end += n;
      }
    }
    return end - pos >= need;
  }

  private boolean startsWith(int... bytes) {
    if (end - pos < bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if ((buffer[pos + i] & 0xFF) != bytes[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
