package dev.forkline.pipelines.image;

import dev.forkline.pipelines.exec.BatchChunks;
import dev.forkline.pipelines.exec.StageMetrics;
import dev.forkline.pipelines.run.ResumeVerdicts;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The image-filter listing split over a runner's workers, for folders no one task should walk: the
 * top of the input folder is listed into units (its entries, and those of its first levels while
 * they are few), the units are spread and walked in parallel ({@link FolderWalk}), each file keyed
 * by its output name, and a {@code GroupByKey} per output name gives the name to the input first in
 * walk order ({@link FolderWalk#ORDER}), as the walk of one task does; the others fail as {@code
 * conflict}. With {@code --resume} an earlier row that stands is skipped. Makes the same tasks as
 * {@link ListFilesFn}.
 */
final class SplitFileListing {
  /** The top is listed level by level while it has fewer units than this. */
  static final int UNITS = 64;

  /** How deep the top is listed at most. */
  static final int DEPTH = 3;

  private static final TupleTag<KV<String, Claim>> CLAIMS = new TupleTag<>() {};
  private static final TupleTag<KV<Long, ImageTask>> TASKS = new TupleTag<>() {};

  private SplitFileListing() {}

  /** A file's claim on its output name: its task, and its resume verdict if it had a row. */
  record Claim(ImageTask task, String verdict, long size) implements Serializable {}

  /** The tasks of the files under {@code inputRoot}, listed by the runner's workers. */
  static PCollection<ImageTask> tasks(
      Pipeline pipeline,
      FileLister lister,
      String inputRoot,
      PCollectionView<Map<String, String>> done,
      ResumeVerdicts verdicts) {
    PCollection<List<String>> units =
        pipeline
            .apply("Input folder", Create.of(inputRoot))
            .apply("List the top", ParDo.of(new TopFn()))
            .setCoder(ListCoder.of(StringUtf8Coder.of()))
            .apply("Spread units", Reshuffle.viaRandomKey());
    ParDo.MultiOutput<List<String>, KV<String, Claim>> walk =
        ParDo.of(new WalkFn(lister, inputRoot, done))
            .withOutputTags(CLAIMS, TupleTagList.of(TASKS).and(ResumeVerdicts.TAG));
    PCollectionTuple walked = units.apply("Walk", done == null ? walk : walk.withSideInputs(done));
    PCollectionTuple resolved =
        walked
            .get(CLAIMS)
            .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(Claim.class)))
            .apply("Group by output name", GroupByKey.create())
            .apply(
                "First input keeps the name",
                ParDo.of(new FirstKeepsFn())
                    .withOutputTags(TASKS, TupleTagList.of(ResumeVerdicts.TAG)));
    if (done != null) {
      verdicts.report(
          PCollectionList.of(walked.get(ResumeVerdicts.TAG))
              .and(resolved.get(ResumeVerdicts.TAG))
              .apply("Resume verdicts", Flatten.pCollections()));
    }
    KvCoder<Long, ImageTask> sized =
        KvCoder.of(VarLongCoder.of(), SerializableCoder.of(ImageTask.class));
    PCollection<KV<Long, ImageTask>> tasks =
        PCollectionList.of(walked.get(TASKS).setCoder(sized))
            .and(resolved.get(TASKS).setCoder(sized))
            .apply("Listed", Flatten.pCollections());
    return BatchChunks.regroup(
        tasks
            .apply("Batch by size", ParDo.of(new BatchFn()))
            .setCoder(
                KvCoder.of(VarIntCoder.of(), ListCoder.of(SerializableCoder.of(ImageTask.class)))),
        ImageTask.class);
  }

  /**
   * The input folder's top as units of work, in chunks: its entries; while there are fewer than
   * {@value #UNITS}, the entries of its folders instead (at most {@value #DEPTH} levels). A unit is
   * a relative path, walked whole by one worker; "." is the input folder itself, when it cannot be
   * listed here (its walk then reports why).
   */
  static final class TopFn extends DoFn<String, List<String>> {
    @ProcessElement
    public void process(@Element String inputRoot, OutputReceiver<List<String>> out) {
      Path root = Path.of(inputRoot);
      List<String> units = new ArrayList<>();
      try {
        for (String name : FolderWalk.sortedNames(root)) {
          units.add(name);
        }
      } catch (IOException e) {
        out.output(List.of("."));
        return;
      }
      for (int depth = 1; depth < DEPTH && units.size() < UNITS; depth++) {
        units = expand(root, units);
      }
      for (int i = 0; i < units.size(); i += UNITS) {
        out.output(new ArrayList<>(units.subList(i, Math.min(units.size(), i + UNITS))));
      }
    }

    /** The units with each folder that can be listed replaced by its entries. */
    private static List<String> expand(Path root, List<String> units) {
      List<String> next = new ArrayList<>();
      for (String unit : units) {
        Path path = root.resolve(unit);
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          try {
            for (String name : FolderWalk.sortedNames(path)) {
              next.add(unit + "/" + name);
            }
            continue;
          } catch (IOException e) {
            // left a unit: its walk reports it
          }
        }
        next.add(unit);
      }
      return next;
    }
  }

  /**
   * Walks units: each file the include patterns take becomes a claim on its output name (with its
   * resume verdict when an earlier row has its key); what cannot be read becomes a failed task.
   */
  static final class WalkFn extends DoFn<List<String>, KV<String, Claim>> {
    private final FileLister lister;
    private final String inputRoot;
    private final PCollectionView<Map<String, String>> done;
    private transient Counter inputs;
    private transient Counter excluded;

    WalkFn(FileLister lister, String inputRoot, PCollectionView<Map<String, String>> done) {
      this.lister = lister;
      this.inputRoot = inputRoot;
      this.done = done;
    }

    @Setup
    public void setup() {
      inputs = StageMetrics.inputs();
      excluded = StageMetrics.counter(StageMetrics.EXCLUDED);
    }

    @ProcessElement
    public void process(ProcessContext context) {
      Path root = Path.of(inputRoot);
      Path real = FileLister.realPath(root);
      Map<String, String> finished = done == null ? Map.of() : context.sideInput(done);
      FolderWalk.Visitor visitor =
          new FolderWalk.Visitor() {
            @Override
            public void file(String key, Path file, BasicFileAttributes attrs) {
              if (!lister.matches(key)) {
                excluded.inc();
                return;
              }
              inputs.inc();
              ImageTask task = lister.task(key, file, attrs, real);
              String recorded = finished.get(key);
              String verdict =
                  recorded == null ? null : lister.verdict(recorded, real.resolve(key), attrs);
              context.output(KV.of(task.outputRelative, new Claim(task, verdict, attrs.size())));
            }

            @Override
            public void failed(String key, Path path, IOException e) {
              inputs.inc();
              if (finished.containsKey(key)) {
                context.output(ResumeVerdicts.TAG, KV.of(key, ResumeVerdicts.REDO));
              }
              context.output(TASKS, KV.of(0L, FileLister.unreadable(key, path, e)));
            }
          };
      for (String unit : context.element()) {
        if (unit.equals(".")) {
          FolderWalk.walk(root, root, visitor);
        } else {
          FolderWalk.visit(root, root.resolve(unit), visitor);
        }
      }
    }
  }

  /**
   * The claims on one output name: the first in walk order keeps it (skipped when its earlier row
   * stands), the others fail as conflicts and are redone.
   */
  static final class FirstKeepsFn extends DoFn<KV<String, Iterable<Claim>>, KV<Long, ImageTask>> {
    private transient Counter skipped;

    @Setup
    public void setup() {
      skipped = StageMetrics.counter(StageMetrics.RESUME_SKIPPED);
    }

    @ProcessElement
    public void process(ProcessContext context) {
      List<Claim> claims = new ArrayList<>();
      context.element().getValue().forEach(claims::add);
      claims.sort(Comparator.comparing(c -> c.task().relativePath, FolderWalk.ORDER));
      String owner = claims.get(0).task().relativePath;
      for (int i = 0; i < claims.size(); i++) {
        Claim claim = claims.get(i);
        ImageTask task = claim.task();
        String verdict = i == 0 ? claim.verdict() : ResumeVerdicts.REDO;
        if (claim.verdict() != null) {
          context.output(ResumeVerdicts.TAG, KV.of(task.relativePath, verdict));
          if (ResumeVerdicts.KEEP.equals(verdict)) {
            skipped.inc();
            continue;
          }
        }
        if (i > 0) {
          task = task.copy(); // an input is never changed in place
          FileLister.conflict(task, owner);
        }
        context.output(KV.of(claim.size(), task));
      }
    }
  }

  /**
   * Deals a bundle's tasks (keyed by their file's size) into batches by size ({@link
   * ListFilesFn.Batcher}), in chunks; batches are numbered at random, so those of different bundles
   * and workers stay apart.
   */
  static final class BatchFn extends DoFn<KV<Long, ImageTask>, KV<Integer, List<ImageTask>>> {
    private transient ListFilesFn.Batcher batcher;
    private transient Map<Integer, Integer> numbers;
    private transient BatchChunks<ImageTask> chunks;

    /** The most tasks held in unsent chunks. */
    static final int HELD = 4_096;

    @StartBundle
    public void start() {
      batcher = new ListFilesFn.Batcher();
      numbers = new LinkedHashMap<>();
      chunks = new BatchChunks<>(HELD);
    }

    @ProcessElement
    public void process(ProcessContext context) {
      int batch =
          numbers.computeIfAbsent(
              batcher.next(context.element().getKey()), b -> ThreadLocalRandom.current().nextInt());
      chunks.add(
          batch, context.element().getValue(), (b, chunk) -> context.output(KV.of(b, chunk)));
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      chunks.flush(
          (batch, chunk) ->
              context.output(
                  KV.of(batch, chunk),
                  GlobalWindow.INSTANCE.maxTimestamp(),
                  GlobalWindow.INSTANCE));
    }
  }
}
