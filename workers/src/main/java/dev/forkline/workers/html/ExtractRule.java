package dev.forkline.workers.html;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jsoup.select.QueryParser;
import org.jsoup.select.Selector;

/**
 * One user field to extract from a page: a CSS selector and what to take from each match. Checked
 * when built, so a bad rule fails once at configuration time rather than on every page.
 *
 * @param name the field's name, also its output column: lower-case letters, digits and {@code _},
 *     starting with a letter
 * @param css a jsoup CSS selector, e.g. {@code "h1"} or {@code "meta[name=author]"}
 * @param attr {@code text} (the element's normalised text), {@code html} (its inner HTML), {@code
 *     outer-html}, or an attribute name; {@code href} and {@code src} give absolute URLs
 * @param all take every match rather than only the first
 */
public record ExtractRule(String name, String css, String attr, boolean all)
    implements java.io.Serializable {

  public static final String TEXT = "text";
  public static final String HTML = "html";
  public static final String OUTER_HTML = "outer-html";

  /** The {@code attr} values that are not attribute names. */
  public static final List<String> SPECIAL_ATTRS = List.of(TEXT, HTML, OUTER_HTML);

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  // What HTML allows in an attribute name, less what would make it ambiguous in a selector.
  private static final Pattern ATTRIBUTE = Pattern.compile("[^\\s\"'<>/=\\p{Cntrl}]+");

  public ExtractRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(css, "css");
    Objects.requireNonNull(attr, "attr");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "extract rule '"
              + name
              + "': the name must be lower-case letters, digits and '_', starting with a letter");
    }
    if (css.isBlank()) {
      throw new IllegalArgumentException("extract rule '" + name + "': the CSS selector is empty");
    }
    try {
      QueryParser.parse(css);
    } catch (Selector.SelectorParseException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "extract rule '" + name + "': invalid CSS selector '" + css + "': " + e.getMessage(), e);
    }
    if (!SPECIAL_ATTRS.contains(attr) && !ATTRIBUTE.matcher(attr).matches()) {
      throw new IllegalArgumentException(
          "extract rule '"
              + name
              + "': attr '"
              + attr
              + "' is neither text, html, outer-html nor an attribute name");
    }
  }

  /** A rule that takes the first match's text. */
  public static ExtractRule text(String name, String css) {
    return new ExtractRule(name, css, TEXT, false);
  }

  /** Whether the value is an attribute's, resolved to an absolute URL. */
  boolean isUrlAttribute() {
    return attr.equalsIgnoreCase("href") || attr.equalsIgnoreCase("src");
  }
}
