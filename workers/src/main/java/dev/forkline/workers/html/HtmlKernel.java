package dev.forkline.workers.html;

import dev.forkline.workers.kernel.Kernel;
import dev.forkline.workers.kernel.KernelMessages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU work of the url-scrape pipeline's parse stage, as a kernel that runs in a worker JVM or
 * in the pipeline's own: {@link HtmlParser} behind a binary request/reply codec.
 *
 * <p>A page that cannot be parsed is an answer, not an exception: the reply carries failure kind
 * {@value #FAILED_PARSE} (or {@value #FAILED_RULE} for a rule that does not compile), the same on
 * every executor. Exceptions are left for bugs, such as a malformed request.
 *
 * <p>Strings are written as an int byte count (-1 for null) and UTF-8 bytes, so values such as a
 * large {@code outer-html} field are not limited to {@code writeUTF}'s 64 KB.
 */
public final class HtmlKernel implements Kernel {
  public static final String NAME = "html.parse";

  /** Failure kind: the page could not be decoded or parsed. */
  public static final String FAILED_PARSE = "parse";

  /** Failure kind: an extract rule in the request is invalid. */
  public static final String FAILED_RULE = "rule";

  private static final byte OK = 0;
  private static final byte FAILED = 1;

  private static final HtmlParser PARSER = new HtmlParser();

  /**
   * Parses a typical page (20 KB, a hundred links, a rule) {@value #WARM_UP_PAGES} times, so a
   * fresh worker has jsoup's parser compiled by the JIT before its first real page, while the
   * pipeline is still starting. The warm-up competes with that start for the CPU, so it is kept
   * short: a run was faster with 100 pages than with none or with 300.
   */
  static final int WARM_UP_PAGES = 100;

  @Override
  public void warmUp() throws IOException {
    StringBuilder html =
        new StringBuilder(
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>Warm-up</title>"
                + "<meta name=description content=d><link rel=canonical href=/c></head><body>"
                + "<nav>");
    for (int i = 0; i < 100; i++) {
      html.append("<a href=\"/p/").append(i).append(".html\">page ").append(i).append("</a> ");
    }
    html.append("</nav><main><h1>Warm-up</h1>");
    while (html.length() < 20_000) {
      html.append("<p>tea leaf water kettle <b>steep</b> aroma garden <i>harvest</i> cup.</p>\n");
    }
    html.append("<img src=i.png></main></body></html>");
    byte[] request =
        request(
            "text/html; charset=utf-8",
            "http://127.0.0.1/warm-up.html",
            List.of(new ExtractRule("h", "h1", ExtractRule.TEXT, false)),
            html.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (int i = 0; i < WARM_UP_PAGES; i++) {
      apply(request);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * C1 only. jsoup is many small methods called per character and tag, and in a worker's short life
   * C2 spends more CPU compiling them than its faster code saves; under C1, 2 workers still parse
   * pages faster than fetching delivers them. The same for the workers the daemon keeps ({@link
   * #keptWorkerJvmFlags()}'s default), whose first runs C2 would slow too.
   */
  @Override
  public List<String> workerJvmFlags() {
    return List.of("-XX:TieredStopAtLevel=1");
  }

  /**
   * A request: {@code contentType} (nullable string), {@code pageUrl} (nullable string), an int
   * rule count and per rule name, css, attr (strings) and all (boolean), then an int body length
   * and the body's bytes.
   */
  public static byte[] request(
      String contentType, String pageUrl, List<ExtractRule> rules, byte[] body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length + 256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      KernelMessages.writeString(out, contentType);
      KernelMessages.writeString(out, pageUrl);
      out.writeInt(rules.size());
      for (ExtractRule rule : rules) {
        KernelMessages.writeString(out, rule.name());
        KernelMessages.writeString(out, rule.css());
        KernelMessages.writeString(out, rule.attr());
        out.writeBoolean(rule.all());
      }
      out.writeInt(body.length);
      out.write(body);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  @Override
  public byte[] apply(byte[] request) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(request));
    String contentType = KernelMessages.readString(in);
    String pageUrl = KernelMessages.readString(in);
    int ruleCount = in.readInt();
    List<ExtractRule> rules = new ArrayList<>(ruleCount);
    String badRule = null;
    for (int i = 0; i < ruleCount; i++) {
      String name = KernelMessages.readString(in);
      String css = KernelMessages.readString(in);
      String attr = KernelMessages.readString(in);
      boolean all = in.readBoolean();
      try {
        rules.add(new ExtractRule(name, css, attr, all));
      } catch (IllegalArgumentException | NullPointerException e) {
        badRule = badRule == null ? String.valueOf(e.getMessage()) : badRule;
      }
    }
    byte[] body = new byte[in.readInt()];
    in.readFully(body);
    if (badRule != null) {
      return failed(FAILED_RULE, badRule);
    }
    ParsedPage page;
    try {
      page = PARSER.parse(body, contentType, pageUrl, rules);
    } catch (RuntimeException | StackOverflowError e) {
      return failed(FAILED_PARSE, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    return ok(page);
  }

  private static byte[] ok(ParsedPage p) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024 + p.links().size() * 64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(OK);
      out.writeBoolean(p.html());
      KernelMessages.writeString(out, p.contentType());
      KernelMessages.writeString(out, p.charset());
      KernelMessages.writeString(out, p.charsetSource().label());
      KernelMessages.writeString(out, p.title());
      KernelMessages.writeString(out, p.description());
      KernelMessages.writeString(out, p.canonicalUrl());
      KernelMessages.writeString(out, p.language());
      KernelMessages.writeStrings(out, p.links());
      out.writeBoolean(p.linksTruncated());
      out.writeInt(p.textLength());
      out.writeInt(p.bodyLength());
      KernelMessages.writeString(out, p.sha256());
      out.writeInt(p.fields().size());
      for (Map.Entry<String, List<String>> field : p.fields().entrySet()) {
        KernelMessages.writeString(out, field.getKey());
        KernelMessages.writeStrings(out, field.getValue());
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] failed(String kind, String message) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FAILED);
      KernelMessages.writeString(out, kind);
      KernelMessages.writeString(
          out, message == null ? kind : KernelMessages.truncate(message, 4000));
    }
    return bytes.toByteArray();
  }

  /** A decoded reply: the parsed page, or a failure's kind and message. */
  public record Reply(String failureKind, String failureMessage, ParsedPage page) {

    public boolean ok() {
      return failureKind == null;
    }

    public static Reply decode(byte[] reply) throws IOException {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(reply));
      byte status = in.readByte();
      if (status == FAILED) {
        return new Reply(KernelMessages.readString(in), KernelMessages.readString(in), null);
      }
      if (status != OK) {
        throw new IOException("not a reply of " + NAME + ": status byte " + status);
      }
      boolean html = in.readBoolean();
      String contentType = KernelMessages.readString(in);
      String charset = KernelMessages.readString(in);
      CharsetSource source = CharsetSource.ofLabel(KernelMessages.readString(in));
      String title = KernelMessages.readString(in);
      String description = KernelMessages.readString(in);
      String canonical = KernelMessages.readString(in);
      String language = KernelMessages.readString(in);
      List<String> links = KernelMessages.readStrings(in);
      boolean truncated = in.readBoolean();
      int textLength = in.readInt();
      int bodyLength = in.readInt();
      String sha256 = KernelMessages.readString(in);
      int fieldCount = in.readInt();
      Map<String, List<String>> fields = new LinkedHashMap<>();
      for (int i = 0; i < fieldCount; i++) {
        fields.put(KernelMessages.readString(in), KernelMessages.readStrings(in));
      }
      ParsedPage page =
          new ParsedPage(
              html,
              contentType,
              charset,
              source,
              title,
              description,
              canonical,
              language,
              links,
              truncated,
              textLength,
              bodyLength,
              sha256,
              fields);
      return new Reply(null, null, page);
    }
  }
}
