package dev.forkline.workers.html;

import org.jsoup.nodes.CDataNode;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * The length in code points of jsoup's {@link Element#text()}, counted without building the text:
 * the page's {@code text_length}. Building it (whitespace normalised into a growing StringBuilder,
 * then copied and trimmed) was a quarter of the CPU of a parse; counting walks the same nodes.
 *
 * <p>It follows {@code Element.TextAccumulator} and {@code StringUtil.appendNormalisedWhitespace}
 * of the jsoup this build uses (1.21.2) step by step: the same separators before block elements and
 * {@code <br>}, and after a block element followed by text or an inline element; whitespace kept as
 * it is under a whitespace-preserving element (up to six levels up) or in CDATA, else runs of it
 * folded into one space; zero-width spaces and soft hyphens dropped; the result trimmed as {@link
 * String#trim()} does. It tracks of the virtual text only what those rules and the count read: its
 * last char, its leading and trailing runs of chars up to U+0020, and surrogate pairs formed across
 * appends. {@code TextLengthTest} compares it with {@code text()} on generated and real pages; a
 * jsoup upgrade that changes the rules fails that test.
 */
final class TextLength implements NodeVisitor {
  private int codePoints;
  private int units;
  private char last;
  private boolean allLow = true;
  private int leadingLow;
  private int trailingLow;

  private TextLength() {}

  /** {@code root.text().codePointCount(...)}, counted. */
  static int of(Element root) {
    TextLength t = new TextLength();
    NodeTraversor.traverse(t, root);
    return t.allLow ? 0 : t.codePoints - t.leadingLow - t.trailingLow;
  }

  @Override
  public void head(Node node, int depth) {
    if (node instanceof TextNode) {
      TextNode text = (TextNode) node;
      String s = text.getWholeText();
      if (preserveWhitespace(text.parentNode()) || text instanceof CDataNode) {
        for (int i = 0; i < s.length(); i++) {
          unit(s.charAt(i));
        }
      } else {
        normalised(s, lastIsSpace());
      }
    } else if (node instanceof Element) {
      Element element = (Element) node;
      if (units > 0 && (element.isBlock() || element.nameIs("br")) && !lastIsSpace()) {
        unit(' ');
      }
    }
  }

  @Override
  public void tail(Node node, int depth) {
    if (node instanceof Element) {
      Node next = node.nextSibling();
      if (!((Element) node).tag().isInline()
          && (next instanceof TextNode
              || next instanceof Element && ((Element) next).tag().isInline())
          && !lastIsSpace()) {
        unit(' ');
      }
    }
  }

  private boolean lastIsSpace() {
    return units > 0 && last == ' ';
  }

  /** jsoup's {@code appendNormalisedWhitespace(accum, s, stripLeading)}, counted. */
  private void normalised(String s, boolean stripLeading) {
    boolean lastWasWhite = false;
    boolean reachedNonWhite = false;
    for (int i = 0, n = s.length(); i < n; ) {
      char ch = s.charAt(i);
      if (ch > ' ' && ch < 0x80) {
        // A run of printable ASCII, most of a page: counted at once.
        int j = i + 1;
        while (j < n && s.charAt(j) > ' ' && s.charAt(j) < 0x80) {
          j++;
        }
        codePoints += j - i;
        units += j - i;
        allLow = false;
        trailingLow = 0;
        last = s.charAt(j - 1);
        lastWasWhite = false;
        reachedNonWhite = true;
        i = j;
        continue;
      }
      int c = Character.isSurrogate(ch) ? s.codePointAt(i) : ch;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == 160) {
        if (!(stripLeading && !reachedNonWhite) && !lastWasWhite) {
          unit(' ');
          lastWasWhite = true;
        }
      } else if (c != 8203 && c != 173) {
        if (Character.isBmpCodePoint(c)) {
          unit((char) c);
        } else {
          unit(Character.highSurrogate(c));
          unit(Character.lowSurrogate(c));
        }
        lastWasWhite = false;
        reachedNonWhite = true;
      }
      i += Character.charCount(c);
    }
  }

  private static boolean preserveWhitespace(Node node) {
    if (node instanceof Element) {
      Element el = (Element) node;
      int i = 0;
      do {
        if (el.tag().preserveWhitespace()) {
          return true;
        }
        el = el.parent();
        i++;
      } while (i < 6 && el != null);
    }
    return false;
  }

  /** Appends one UTF-16 unit to the virtual text. */
  private void unit(char u) {
    // String.codePointCount: a high surrogate followed by a low one is one code point.
    if (!(units > 0 && Character.isLowSurrogate(u) && Character.isHighSurrogate(last))) {
      codePoints++;
    }
    units++;
    if (u <= ' ') {
      if (allLow) {
        leadingLow++;
      }
      trailingLow++;
    } else {
      allLow = false;
      trailingLow = 0;
    }
    last = u;
  }
}
