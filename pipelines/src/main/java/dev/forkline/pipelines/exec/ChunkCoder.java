package dev.forkline.pipelines.exec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * A chunk of a batch ({@link BatchChunks}) as one Java serialization stream, so class descriptors
 * are written once per chunk rather than once per element as {@code
 * ListCoder.of(SerializableCoder)} does. The Direct runner copies a GroupByKey's buffered values
 * through their coder, and one stream copies about five times as fast as element by element.
 */
public final class ChunkCoder<T extends Serializable> extends CustomCoder<List<T>> {
  private static final long serialVersionUID = 1L;
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();

  private final Class<T> type;

  private ChunkCoder(Class<T> type) {
    this.type = type;
  }

  public static <T extends Serializable> ChunkCoder<T> of(Class<T> type) {
    return new ChunkCoder<>(type);
  }

  @Override
  public void encode(List<T> chunk, OutputStream out) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream objects = new ObjectOutputStream(bytes)) {
      objects.writeInt(chunk.size());
      for (T element : chunk) {
        objects.writeObject(element);
      }
    }
    BYTES.encode(bytes.toByteArray(), out);
  }

  @Override
  public List<T> decode(InputStream in) throws IOException {
    byte[] bytes = BYTES.decode(in);
    try (ObjectInputStream objects = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      int size = objects.readInt();
      List<T> chunk = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        chunk.add(type.cast(objects.readObject()));
      }
      return chunk;
    } catch (ClassNotFoundException | ClassCastException e) {
      throw new CoderException("cannot decode a chunk of " + type.getName(), e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ChunkCoder<?> c && c.type.equals(type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }
}
