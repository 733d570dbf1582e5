package dev.forkline.workers.html;

/** Where the charset a page was decoded with came from, in the order they are tried. */
public enum CharsetSource {
  /** A byte-order mark at the start of the body; it is proof, so it beats the header. */
  BOM("bom"),
  /** The {@code charset} parameter of the HTTP Content-Type header. */
  HEADER("header"),
  /** A {@code <meta charset>} or {@code <meta http-equiv=Content-Type>} near the start. */
  META("meta"),
  /** None of the above named a charset Java knows: UTF-8. */
  DEFAULT("default");

  private final String label;

  CharsetSource(String label) {
    this.label = label;
  }

  /** The name used in replies and output columns. */
  public String label() {
    return label;
  }

  /** The source with this label. */
  public static CharsetSource ofLabel(String label) {
    for (CharsetSource s : values()) {
      if (s.label.equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown charset source '" + label + "'");
  }
}
