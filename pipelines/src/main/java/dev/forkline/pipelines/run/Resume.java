package dev.forkline.pipelines.run;

import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.exec.StageMetrics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The steps of {@code --resume} around a pipeline's listing: one earlier row per key (the newest),
 * the identity each row's input had (the listing's {@code done} side input), and, once the listing
 * has said what it kept ({@link ResumeVerdicts}), the earlier rows that go into the new table. Each
 * earlier row ends counted as kept, redone (its input or result changed) or dropped (its input is
 * no longer listed), so the new table has exactly one row per input the listing produced.
 */
final class Resume {
  /** The recorded identity of a row that must be redone: no listed input has it. */
  static final String REDO_MARK = "\u0000redo";

  private static final TupleTag<GenericRecord> ROWS = new TupleTag<>("rows") {};
  private static final TupleTag<KV<String, String>> VERDICTS = new TupleTag<>("verdicts") {};

  private Resume() {}

  /**
   * Keys are grouped into this many buckets, not one group per key: the Direct runner's cost grows
   * with the number of keys of a grouping (docs/performance.md, Resuming a large folder), and a
   * bucket's rows are few enough to join in memory.
   */
  static final int BUCKETS = 64;

  static int bucket(String key) {
    return Math.floorMod(key.hashCode(), BUCKETS);
  }

  /** Earlier rows keyed by their key, the newest of each key only. */
  static PTransform<PCollection<GenericRecord>, PCollection<KV<String, GenericRecord>>>
      newestPerKey(PipelineDefinition definition) {
    return new PTransform<>() {
      @Override
      public PCollection<KV<String, GenericRecord>> expand(PCollection<GenericRecord> rows) {
        AvroCoder<GenericRecord> row = AvroCoder.of(GenericRecord.class, definition.schema());
        return rows.apply("By bucket", ParDo.of(new ByBucketFn(definition.keyField())))
            .setCoder(KvCoder.of(VarIntCoder.of(), row))
            .apply("Group", GroupByKey.create())
            .apply("Newest", ParDo.of(new NewestFn(definition.keyField(), definition.timeField())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), row));
      }
    };
  }

  /** Each key's recorded identity, or {@link #REDO_MARK} for a row that does not stand. */
  static ParDo.SingleOutput<KV<String, GenericRecord>, KV<String, String>> recordedIdentities(
      PipelineDefinition definition, ForklineConfig config) {
    return ParDo.of(new IdentityFn(definition, definition.fingerprint(config)));
  }

  /** The earlier rows the listing kept; counts kept, redone and dropped rows. */
  static PCollection<GenericRecord> keptRows(
      PCollection<KV<String, GenericRecord>> newest,
      PCollection<KV<String, String>> verdicts,
      PipelineDefinition definition) {
    AvroCoder<GenericRecord> row = AvroCoder.of(GenericRecord.class, definition.schema());
    PCollection<KV<Integer, GenericRecord>> rows =
        newest
            .apply("Rows by bucket", ParDo.of(new RowByBucketFn()))
            .setCoder(KvCoder.of(VarIntCoder.of(), row));
    PCollection<KV<Integer, KV<String, String>>> said =
        verdicts
            .apply("Verdicts by bucket", ParDo.of(new VerdictByBucketFn()))
            .setCoder(
                KvCoder.of(
                    VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())));
    return KeyedPCollectionTuple.of(ROWS, rows)
        .and(VERDICTS, said)
        .apply("Join the listing's verdicts", CoGroupByKey.create())
        .apply(
            "Keep rows the listing kept",
            ParDo.of(new KeepFn(definition.keyField(), definition.statusField())));
  }

  static final class ByBucketFn extends DoFn<GenericRecord, KV<Integer, GenericRecord>> {
    private final String keyField;

    ByBucketFn(String keyField) {
      this.keyField = keyField;
    }

    @ProcessElement
    public void process(
        @Element GenericRecord row, OutputReceiver<KV<Integer, GenericRecord>> out) {
      out.output(KV.of(bucket(String.valueOf(row.get(keyField))), row));
    }
  }

  static final class VerdictByBucketFn
      extends DoFn<KV<String, String>, KV<Integer, KV<String, String>>> {
    @ProcessElement
    public void process(
        @Element KV<String, String> kv, OutputReceiver<KV<Integer, KV<String, String>>> out) {
      out.output(KV.of(bucket(kv.getKey()), kv));
    }
  }

  static final class RowByBucketFn
      extends DoFn<KV<String, GenericRecord>, KV<Integer, GenericRecord>> {
    @ProcessElement
    public void process(
        @Element KV<String, GenericRecord> kv, OutputReceiver<KV<Integer, GenericRecord>> out) {
      out.output(KV.of(bucket(kv.getKey()), kv.getValue()));
    }
  }

  /** Of the rows of each key in a bucket, the one made last (a table with two is broken). */
  static final class NewestFn
      extends DoFn<KV<Integer, Iterable<GenericRecord>>, KV<String, GenericRecord>> {
    private final String keyField;
    private final String timeField;
    private transient Counter duplicates;

    NewestFn(String keyField, String timeField) {
      this.keyField = keyField;
      this.timeField = timeField;
    }

    @Setup
    public void setup() {
      duplicates = StageMetrics.counter(StageMetrics.RESUME_DUPLICATES);
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<GenericRecord>> bucket,
        OutputReceiver<KV<String, GenericRecord>> out) {
      Map<String, GenericRecord> newest = new HashMap<>();
      for (GenericRecord row : bucket.getValue()) {
        GenericRecord other = newest.putIfAbsent(String.valueOf(row.get(keyField)), row);
        if (other != null) {
          duplicates.inc();
          Instant time = time(row);
          Instant otherTime = time(other);
          if (time != null && (otherTime == null || time.isAfter(otherTime))) {
            newest.put(String.valueOf(row.get(keyField)), row);
          }
        }
      }
      newest.forEach((key, row) -> out.output(KV.of(key, row)));
    }

    private Instant time(GenericRecord row) {
      if (row.getSchema().getField(timeField) == null || row.get(timeField) == null) {
        return null;
      }
      try {
        return Instant.parse(row.get(timeField).toString());
      } catch (DateTimeParseException e) {
        return null;
      }
    }
  }

  static final class IdentityFn extends DoFn<KV<String, GenericRecord>, KV<String, String>> {
    private final PipelineDefinition definition;
    private final String fingerprint;

    IdentityFn(PipelineDefinition definition, String fingerprint) {
      this.definition = definition;
      this.fingerprint = fingerprint;
    }

    @ProcessElement
    public void process(
        @Element KV<String, GenericRecord> keyed, OutputReceiver<KV<String, String>> out) {
      out.output(KV.of(keyed.getKey(), stands(keyed.getValue()) ? identity(keyed) : REDO_MARK));
    }

    private String identity(KV<String, GenericRecord> keyed) {
      String identity = definition.identity(keyed.getValue());
      return identity == null ? REDO_MARK : identity;
    }

    /** An ok row made with the same settings whose result is still there. */
    private boolean stands(GenericRecord row) {
      Object status = row.get(definition.statusField());
      Object settings =
          row.getSchema().getField(PipelineDefinition.SETTINGS_FIELD) == null
              ? null
              : row.get(PipelineDefinition.SETTINGS_FIELD);
      return status != null
          && "ok".equals(status.toString())
          && fingerprint.equals(settings == null ? "" : settings.toString())
          && definition.stillValid(row);
    }
  }

  static final class KeepFn extends DoFn<KV<Integer, CoGbkResult>, GenericRecord> {
    private final String keyField;
    private final String statusField;
    private transient Counter kept;
    private transient Counter redone;
    private transient Counter dropped;

    KeepFn(String keyField, String statusField) {
      this.keyField = keyField;
      this.statusField = statusField;
    }

    @Setup
    public void setup() {
      kept = StageMetrics.counter(StageMetrics.RESUME_CARRIED);
      redone = StageMetrics.counter(StageMetrics.RESUME_REDONE);
      dropped = StageMetrics.counter(StageMetrics.RESUME_DROPPED);
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, CoGbkResult> joined, OutputReceiver<GenericRecord> out) {
      // A key is kept only if the listing said keep, every time it named it.
      Map<String, Boolean> keep = new HashMap<>();
      for (KV<String, String> verdict : joined.getValue().getAll(VERDICTS)) {
        keep.merge(
            verdict.getKey(), ResumeVerdicts.KEEP.equals(verdict.getValue()), Boolean::logicalAnd);
      }
      for (GenericRecord row : joined.getValue().getAll(ROWS)) {
        Boolean verdict = keep.get(String.valueOf(row.get(keyField)));
        if (verdict == null) {
          dropped.inc();
        } else if (verdict) {
          kept.inc();
          out.output(row);
        } else if ("ok".equals(String.valueOf(row.get(statusField)))) {
          redone.inc();
        }
      }
    }
  }
}
