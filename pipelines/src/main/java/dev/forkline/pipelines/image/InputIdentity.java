package dev.forkline.pipelines.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.avro.generic.GenericRecord;

/**
 * What makes an input file the same file for {@code --resume}: its real path, size and modification
 * time, and with {@code resume-check: content} the SHA-256 of its bytes. The read stage records
 * them in the manifest ({@code input_path}, {@code input_size}, {@code input_modified}, {@code
 * input_sha256}); a resumed listing compares them with the file it finds.
 */
final class InputIdentity {
  private InputIdentity() {}

  static String of(String realPath, long size, String modified, String sha256) {
    return realPath + '\n' + size + '\n' + modified + (sha256 == null ? "" : "\n" + sha256);
  }

  /** The identity a manifest row recorded, or null if the row lacks a part of it. */
  static String ofRow(GenericRecord row, boolean byContent) {
    Object path = field(row, "input_path");
    Object size = field(row, "input_size");
    Object modified = field(row, "input_modified");
    Object sha = field(row, "input_sha256");
    if (path == null || size == null || modified == null || (byContent && sha == null)) {
      return null;
    }
    return of(path.toString(), (Long) size, modified.toString(), byContent ? sha.toString() : null);
  }

  /** The identity of the file at {@code file} now; {@code attrs} as its folder walk saw it. */
  static String current(Path file, BasicFileAttributes attrs, boolean byContent)
      throws IOException {
    BasicFileAttributes target =
        attrs.isSymbolicLink() ? Files.readAttributes(file, BasicFileAttributes.class) : attrs;
    return of(file.toString(), target.size(), modified(target), byContent ? sha256(file) : null);
  }

  static String modified(BasicFileAttributes attrs) {
    return attrs.lastModifiedTime().toInstant().toString();
  }

  static String sha256(byte[] data) {
    return HexFormat.of().formatHex(digest().digest(data));
  }

  static String sha256(Path file) throws IOException {
    MessageDigest sha = digest();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static Object field(GenericRecord row, String name) {
    return row.getSchema().getField(name) == null ? null : row.get(name);
  }
}
