package dev.forkline.pipelines.run;

import dev.forkline.pipelines.files.DiskFullException;
import dev.forkline.pipelines.files.Durable;
import dev.forkline.pipelines.table.PartWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a run does in its output folder: the staging folder, the table's publication, tidying. */
final class OutputFolder {
  private static final Logger LOG = LoggerFactory.getLogger(ForklineRunner.class);
  static final String STAGING_PREFIX = ".forkline-staging-";

  private OutputFolder() {}

  static void writeEmptyTable(PipelineDefinition definition, Path file) {
    try {
      Files.createDirectories(file.getParent());
      PartWriter.at(file, definition.schema()).finish();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an empty table to " + file, e);
    }
  }

  /**
   * Moves the finished table over the previous one in a single rename where possible: forced to the
   * disk first, and its folder after, so the journal is deleted only once the table is durable.
   */
  static void publish(Path written, Path table) throws DiskFullException {
    try {
      if (!Files.isRegularFile(written)) {
        throw new PipelineFailedException("the pipeline finished without writing " + written, null);
      }
      Durable.sync(written);
      try {
        Files.move(
            written, table, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(written, table, StandardCopyOption.REPLACE_EXISTING);
      }
      Durable.syncFolder(table.getParent());
    } catch (DiskFullException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the finished table to " + table, e);
    }
  }

  /**
   * Deletes what runs leave in the output folder: staging folders of runs that were killed and
   * Beam's temp folders. Safe only under the output lock.
   */
  static void removeLeftovers(Path output) {
    try (Stream<Path> children = Files.list(output)) {
      children
          .filter(
              p -> {
                String name = p.getFileName().toString();
                return name.startsWith(STAGING_PREFIX) || name.startsWith(".temp-beam");
              })
          .forEach(OutputFolder::deleteRecursively);
    } catch (IOException e) {
      LOG.debug("could not tidy {}: {}", output, e.toString());
    }
  }

  static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("could not delete {}: {}", path, e.toString());
    }
  }
}
