package dev.forkline.workers.image;

import java.util.Locale;

/** An image that cannot be processed, with the failure kind the manifest records. */
public final class ImageException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why an image failed. */
  public enum Kind {
    /** Not an image format this version decodes. */
    UNSUPPORTED,
    /** Claims to be an image but its bytes are broken: empty, truncated, bad header. */
    CORRUPT,
    /** Above the pixel or file-size limit: refused before decoding. */
    TOO_LARGE;

    /** The name the manifest uses: {@code unsupported}, {@code corrupt}, {@code too-large}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final Kind kind;

  public ImageException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
