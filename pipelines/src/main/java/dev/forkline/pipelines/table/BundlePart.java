package dev.forkline.pipelines.table;

import dev.forkline.pipelines.files.DiskFullException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The part file of the bundle a DoFn is in: made by its first row, finished at the end of the
 * bundle, discarded when the bundle fails. Serializable, so it travels with the DoFn; each copy
 * writes parts of its own.
 */
public final class BundlePart implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String folder;
  private final String schemaJson;
  private transient Schema schema;
  private transient PartWriter part;

  /** Parts of rows of {@code schemaJson} in {@code folder}. */
  public BundlePart(Path folder, String schemaJson) {
    this.folder = folder.toString();
    this.schemaJson = schemaJson;
  }

  /** Writes a row into the bundle's part, starting it with the first. */
  public void write(GenericRecord row) throws IOException {
    if (part == null) {
      if (schema == null) {
        schema = new Schema.Parser().parse(schemaJson);
      }
      try {
        part = PartWriter.create(Path.of(folder), schema);
      } catch (IOException e) {
        throw DiskFullException.ifFull(Path.of(folder), e);
      }
    }
    try {
      part.write(row);
    } catch (IOException e) {
      throw DiskFullException.ifFull(part.path(), e);
    }
  }

  /**
   * Ends the bundle: its finished part's path, or null when it had no row. A failure deletes it.
   */
  public String finish() throws IOException {
    PartWriter done = part;
    part = null;
    try {
      return done == null ? null : done.finish().toString();
    } catch (IOException e) {
      throw DiskFullException.ifFull(done.path(), e);
    }
  }

  /** A bundle that failed (or a DoFn torn down): its unfinished part is closed and deleted. */
  public void discard() throws IOException {
    PartWriter left = part;
    part = null;
    if (left != null) {
      left.discard();
    }
  }
}
