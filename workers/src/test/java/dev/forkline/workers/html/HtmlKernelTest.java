package dev.forkline.workers.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.kernel.Kernel;
import dev.forkline.workers.kernel.Kernels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlKernelTest {
  private static final String URL = "http://127.0.0.1:8088/products/kettle.html";
  private static final byte[] PAGE =
      ("<!doctype html><html lang=fr><head><title>Bouilloire</title>"
              + "<meta name=description content='Une bouilloire.'>"
              + "<link rel=canonical href='/products/kettle.html'></head>"
              + "<body><h1>Bouilloire «Élan»</h1><a href='../'>Accueil</a>"
              + "<img src='k1.jpg'><img src='k2.jpg'></body></html>")
          .getBytes(StandardCharsets.UTF_8);
  private static final List<ExtractRule> RULES =
      List.of(
          ExtractRule.text("heading", "h1"),
          new ExtractRule("images", "img", "src", true),
          ExtractRule.text("missing", "table"));

  private final Kernel kernel = Kernels.get(HtmlKernel.NAME);

  @Test
  void isRegisteredUnderItsName() {
    assertEquals("html.parse", kernel.name());
    assertTrue(kernel instanceof HtmlKernel);
  }

  @Test
  void aPageRoundTripsThroughApplyToWhatTheParserSays() throws Exception {
    byte[] reply = kernel.apply(HtmlKernel.request("text/html", URL, RULES, PAGE));
    HtmlKernel.Reply decoded = HtmlKernel.Reply.decode(reply);
    assertTrue(decoded.ok());
    assertEquals(new HtmlParser().parse(PAGE, "text/html", URL, RULES), decoded.page());
    assertEquals("Bouilloire «Élan»", decoded.page().field("heading"));
    assertEquals(
        List.of("http://127.0.0.1:8088/products/k1.jpg", "http://127.0.0.1:8088/products/k2.jpg"),
        decoded.page().fields().get("images"));
    assertEquals(List.of(), decoded.page().fields().get("missing"));
    assertEquals("fr", decoded.page().language());
  }

  @Test
  void nullsRoundTrip() throws Exception {
    byte[] body = "%PDF-1.7 ...".getBytes(StandardCharsets.US_ASCII);
    HtmlKernel.Reply reply =
        HtmlKernel.Reply.decode(
            kernel.apply(HtmlKernel.request("application/pdf", null, List.of(), body)));
    assertTrue(reply.ok());
    assertFalse(reply.page().html());
    assertEquals("application/pdf", reply.page().contentType());
    assertNull(reply.page().title());
    assertNull(reply.page().canonicalUrl());
    assertEquals(CharsetSource.DEFAULT, reply.page().charsetSource());
  }

  @Test
  void valuesLongerThan64KbRoundTrip() throws Exception {
    String big = "<p>" + "é".repeat(100_000) + "</p>";
    byte[] body =
        ("<html><body><div id=d>" + big + "</div></body></html>").getBytes(StandardCharsets.UTF_8);
    List<ExtractRule> rules = List.of(new ExtractRule("div", "#d", "html", false));
    HtmlKernel.Reply reply =
        HtmlKernel.Reply.decode(kernel.apply(HtmlKernel.request("text/html", URL, rules, body)));
    assertEquals(big, reply.page().field("div"));
  }

  @Test
  void anInvalidRuleInARequestIsAFailureAnswer() throws Exception {
    // The request encoder takes built rules; write a bad selector in by hand.
    byte[] good = HtmlKernel.request("text/html", URL, List.of(ExtractRule.text("x", "h1")), PAGE);
    byte[] bad =
        replace(good, "h1".getBytes(StandardCharsets.UTF_8), "h[".getBytes(StandardCharsets.UTF_8));
    HtmlKernel.Reply reply = HtmlKernel.Reply.decode(kernel.apply(bad));
    assertFalse(reply.ok());
    assertEquals(HtmlKernel.FAILED_RULE, reply.failureKind());
    assertTrue(reply.failureMessage().startsWith("extract rule 'x': invalid CSS selector 'h['"));
    assertNull(reply.page());
  }

  @Test
  void aTruncatedRequestIsAnException() {
    byte[] request = HtmlKernel.request("text/html", URL, RULES, PAGE);
    byte[] cut = Arrays.copyOf(request, request.length - 10);
    assertThrows(IOException.class, () -> kernel.apply(cut));
  }

  @Test
  void aReplyWithAnUnknownStatusIsRejected() {
    IOException e =
        assertThrows(IOException.class, () -> HtmlKernel.Reply.decode(new byte[] {7, 0, 0}));
    assertTrue(e.getMessage().contains("status byte 7"), e.getMessage());
  }

  private static byte[] replace(byte[] in, byte[] from, byte[] to) {
    for (int i = 0; i + from.length <= in.length; i++) {
      if (Arrays.equals(in, i, i + from.length, from, 0, from.length)) {
        byte[] out = in.clone();
        System.arraycopy(to, 0, out, i, to.length);
        return out;
      }
    }
    throw new AssertionError("not found");
  }
}
