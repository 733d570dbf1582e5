package dev.forkline.workers.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HtmlExtractRuleTest {

  @Test
  void aValidRuleKeepsItsParts() {
    ExtractRule rule = new ExtractRule("author_name", "meta[name=author]", "content", true);
    assertEquals("author_name", rule.name());
    assertEquals("meta[name=author]", rule.css());
    assertEquals("content", rule.attr());
    assertTrue(rule.all());
  }

  @Test
  void anInvalidSelectorNamesTheRuleAndTheSelector() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new ExtractRule("price", "div[", "text", false));
    assertTrue(
        e.getMessage().startsWith("extract rule 'price': invalid CSS selector 'div[': "),
        e.getMessage());
  }

  @Test
  void aSelectorWithAnUnknownPseudoClassIsInvalid() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ExtractRule.text("title_text", "h1:no-such-thing"));
    assertTrue(e.getMessage().contains("'title_text'"), e.getMessage());
  }

  @Test
  void aBlankSelectorIsInvalid() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExtractRule.text("a", "  "));
    assertEquals("extract rule 'a': the CSS selector is empty", e.getMessage());
  }

  @Test
  void namesMustBeColumnNames() {
    for (String bad : new String[] {"Price", "1st", "_x", "a-b", "", "naïve"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> ExtractRule.text(bad, "h1"), "name " + bad);
      assertTrue(e.getMessage().contains("lower-case letters"), e.getMessage());
    }
  }

  @Test
  void attrMustBeSpecialOrAnAttributeName() {
    for (String ok :
        new String[] {"text", "html", "outer-html", "href", "data-sku", "xlink:href"}) {
      new ExtractRule("f", "a", ok, false);
    }
    for (String bad : new String[] {"", "two words", "a=b", "\"q\""}) {
      assertThrows(
          IllegalArgumentException.class, () -> new ExtractRule("f", "a", bad, false), bad);
    }
  }
}
