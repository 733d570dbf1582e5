package dev.forkline.pipelines.scrape;

import dev.forkline.pipelines.files.DiskFullException;
import dev.forkline.pipelines.files.Durable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.MessageVersion;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcDigest;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcWriter;
import org.netpreserve.jwarc.Warcinfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's WARC files in one JVM, written with jwarc: WARC 1.1, each record its own gzip member, a
 * {@code warcinfo} record first in every file, then a {@code request} and a {@code response} record
 * per exchange, linked both ways by {@code WARC-Concurrent-To}.
 *
 * <p>A file is written as {@code NAME.warc.gz.open} in the run's staging folder and published, as
 * {@code NAME.warc.gz} in the output's {@code warc/} folder, once it is closed: when it reaches the
 * size limit, and at the end of every bundle ({@link #publishAll}, before the bundle's rows are
 * flushed to the journal). Publishing forces the file to the disk, renames it and forces the
 * folder, so a published file holds whole records only, and a killed run leaves its unfinished
 * files in the staging folder, which the next run deletes. A row refers to its file by name; {@code
 * --resume} keeps it only while that file is published (see {@link UrlScrapePipeline#stillValid}).
 *
 * <p>Several fetch threads write at once, each into a file of its own: a few files are open at a
 * time ({@link #SLOTS}), each written by one thread at a time. Thread-safe.
 */
final class WarcArchive {
  private static final Logger LOG = LoggerFactory.getLogger(WarcArchive.class);

  /** The output's folder of published WARC files. */
  static final String FOLDER = "warc";

  static final String SUFFIX = ".warc.gz";
  static final String OPEN_SUFFIX = SUFFIX + ".open";

  /** Files open at once: about the threads that can compress at once, and few enough files. */
  static final int SLOTS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private static final Map<String, WarcArchive> OPEN = new ConcurrentHashMap<>();
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

  /**
   * Where one run's WARC files go, serializable with the pipeline: the folder for open files (in
   * the staging folder), the output folder (files are published into its {@code warc/}), the run's
   * id, the size at which a file is closed, and what the {@code warcinfo} records say.
   */
  record Target(
      String openFolder, String output, String run, long maxBytes, Map<String, String> info)
      implements Serializable {
    Path published() {
      return Path.of(output).resolve(FOLDER);
    }
  }

  /**
   * Where a row's exchanges are: the file, relative to the output folder ({@code warc/NAME}), and
   * the {@code WARC-Record-ID}s of their response records, in the order of the hops.
   */
  record Ref(String file, List<String> responses) implements Serializable {}

  private final Target target;
  private final String token = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
  private final AtomicInteger serial = new AtomicInteger();
  private final BlockingQueue<Slot> slots = new ArrayBlockingQueue<>(SLOTS);
  private final Map<String, Ref> failed = new ConcurrentHashMap<>();

  /** One open file at a time, written by the thread that took the slot. */
  private static final class Slot {
    Open file;
  }

  private WarcArchive(Target target) {
    this.target = target;
    for (int i = 0; i < SLOTS; i++) {
      slots.add(new Slot());
    }
  }

  /** This JVM's archive of the run, made on first use. */
  static WarcArchive of(Target target) {
    return OPEN.computeIfAbsent(target.run(), k -> new WarcArchive(target));
  }

  /** This JVM's archive of the run if anything made it, else null. */
  static WarcArchive existing(Target target) {
    return OPEN.get(target.run());
  }

  /** Publishes what this JVM wrote for the run and forgets it (the fetch stage's teardown). */
  static void close(Target target) {
    WarcArchive archive = OPEN.remove(target.run());
    if (archive != null) {
      try {
        archive.publishAll();
      } catch (IOException | RuntimeException e) {
        LOG.debug(
            "could not publish the last WARC files of run {}: {}", target.run(), e.toString());
      }
    }
  }

  /**
   * Writes the exchanges of one fetch, in order, into one file and returns where they are.
   *
   * @throws DiskFullException when the disk is full
   * @throws IOException when the file cannot be written
   */
  Ref write(List<WarcExchange> exchanges) throws IOException, InterruptedException {
    Slot slot = slots.take();
    try {
      if (slot.file == null) {
        slot.file = open();
      }
      Open file = slot.file;
      List<String> ids = new ArrayList<>(exchanges.size());
      long start = file.channel.position();
      try {
        for (WarcExchange exchange : exchanges) {
          ids.add(file.write(exchange));
        }
      } catch (IOException | RuntimeException e) {
        // Cut the file back to its last whole record and publish it: rows refer to what is there.
        slot.file = null;
        try {
          file.channel.truncate(start);
          file.publish(target.published());
        } catch (IOException | RuntimeException again) {
          e.addSuppressed(again);
        }
        if (e instanceof IOException io) {
          throw DiskFullException.ifFull(file.path, io);
        }
        throw (RuntimeException) e;
      }
      Ref ref = new Ref(FOLDER + "/" + file.name, List.copyOf(ids));
      if (file.writer.position() >= target.maxBytes()) {
        slot.file = null;
        file.publish(target.published());
      }
      return ref;
    } finally {
      slots.add(slot);
    }
  }

  /**
   * Closes and publishes every open file, waiting for writes in progress: what the rows made so far
   * refer to is then in published files. One caller at a time, so two never wait on each other.
   */
  synchronized void publishAll() throws IOException {
    List<Slot> taken = new ArrayList<>(SLOTS);
    try {
      while (taken.size() < SLOTS) {
        taken.add(slots.take());
      }
      IOException failure = null;
      for (Slot slot : taken) {
        Open file = slot.file;
        slot.file = null;
        if (file != null) {
          try {
            file.publish(target.published());
          } catch (IOException e) {
            failure = failure == null ? e : failure;
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while publishing the WARC files", e);
    } finally {
      slots.addAll(taken);
    }
  }

  /** Keeps where a failed fetch's exchanges are, for its row (a failed attempt keeps no fields). */
  void remember(String key, Ref ref) {
    failed.put(key, ref);
  }

  /** Where the last failed attempt of {@code key} recorded its exchanges, forgotten; or null. */
  Ref take(String key) {
    return failed.remove(key);
  }

  private Open open() throws IOException {
    String name =
        "forkline-"
            + STAMP.format(Instant.now())
            + "-"
            + target.run().substring(0, Math.min(8, target.run().length()))
            + "-"
            + token
            + "-"
            + String.format(java.util.Locale.ROOT, "%05d", serial.incrementAndGet())
            + SUFFIX;
    Path folder = Path.of(target.openFolder());
    Path path = folder.resolve(name + ".open");
    try {
      Files.createDirectories(folder);
      return new Open(name, path, target.info());
    } catch (IOException e) {
      throw DiskFullException.ifFull(path, e);
    }
  }

  /** A file being written: its name when published, its path while open, its warcinfo's id. */
  private static final class Open {
    final String name;
    final Path path;
    final FileChannel channel;
    final WarcWriter writer;
    final URI info;

    Open(String name, Path path, Map<String, String> fields) throws IOException {
      this.name = name;
      this.path = path;
      this.channel =
          FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        writer = new WarcWriter(channel, WarcCompression.GZIP);
        Map<String, List<String>> values = new LinkedHashMap<>();
        fields.forEach((k, v) -> values.put(k, List.of(v)));
        Warcinfo warcinfo =
            new Warcinfo.Builder()
                .version(MessageVersion.WARC_1_1)
                .date(Instant.now())
                .filename(name)
                .fields(values)
                .build();
        writer.write(warcinfo);
        info = warcinfo.id();
      } catch (IOException | RuntimeException e) {
        channel.close();
        Files.deleteIfExists(path);
        throw e;
      }
    }

    /** Writes an exchange's request and response records; returns the response's record ID. */
    String write(WarcExchange e) throws IOException {
      URI requestId = URI.create("urn:uuid:" + UUID.randomUUID());
      URI responseId = URI.create("urn:uuid:" + UUID.randomUUID());
      MessageDigest block = sha1();
      block.update(e.responseHead());
      block.update(e.body(), 0, e.bodyLength());
      MessageDigest payload = sha1();
      payload.update(e.body(), 0, e.bodyLength());
      WarcResponse.Builder response =
          new WarcResponse.Builder(e.uri())
              .version(MessageVersion.WARC_1_1)
              .recordId(responseId)
              .date(e.date())
              .warcinfoId(info)
              .concurrentTo(requestId)
              .blockDigest(new WarcDigest(block))
              .payloadDigest(new WarcDigest(payload))
              .body(
                  MediaType.HTTP_RESPONSE,
                  Channels.newChannel(
                      new SequenceInputStream(
                          new ByteArrayInputStream(e.responseHead()),
                          new ByteArrayInputStream(e.body(), 0, e.bodyLength()))),
                  (long) e.responseHead().length + e.bodyLength());
      if (e.truncated() != null) {
        response.truncated(e.truncated());
      }
      MessageDigest requestBlock = sha1();
      requestBlock.update(e.requestHead());
      WarcRequest.Builder request =
          new WarcRequest.Builder(e.uri())
              .version(MessageVersion.WARC_1_1)
              .recordId(requestId)
              .date(e.date())
              .warcinfoId(info)
              .concurrentTo(responseId)
              .blockDigest(new WarcDigest(requestBlock))
              .body(MediaType.HTTP_REQUEST, e.requestHead());
      if (e.ip() != null) {
        response.ipAddress(e.ip());
        request.ipAddress(e.ip());
      }
      writer.write(request.build());
      writer.write(response.build());
      return responseId.toString();
    }

    /**
     * Closes the file, forces it to the disk and renames it into {@code folder}, then forces that.
     */
    void publish(Path folder) throws IOException {
      Path published = folder.resolve(name);
      try {
        writer.close(); // closes the channel
        Durable.sync(path);
        Durable.createFolders(folder);
        try {
          Files.move(path, published, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(path, published);
        }
        Durable.syncFolder(folder);
      } catch (IOException e) {
        throw DiskFullException.ifFull(published, e);
      }
    }

    private static MessageDigest sha1() {
      try {
        return MessageDigest.getInstance("SHA-1");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-1", e);
      }
    }
  }
}
