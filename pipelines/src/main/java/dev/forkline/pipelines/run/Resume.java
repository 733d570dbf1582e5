package dev.forkline.pipelines.run;

import dev.forkline.pipelines.config.ForklineConfig;
import dev.forkline.pipelines.exec.StageMetrics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
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
  private static final TupleTag<String> VERDICTS = new TupleTag<>("verdicts") {};

  private Resume() {}

  /** Earlier rows keyed by their key, the newest of each key only. */
  static PTransform<PCollection<GenericRecord>, PCollection<KV<String, GenericRecord>>>
      newestPerKey(PipelineDefinition definition) {
    return new PTransform<>() {
      @Override
      public PCollection<KV<String, GenericRecord>> expand(PCollection<GenericRecord> rows) {
        KvCoder<String, GenericRecord> coder =
            KvCoder.of(
                StringUtf8Coder.of(), AvroCoder.of(GenericRecord.class, definition.schema()));
        return rows.apply("By key", ParDo.of(new ByKeyFn(definition.keyField())))
            .setCoder(coder)
            .apply("Group", GroupByKey.create())
            .apply("Newest", ParDo.of(new NewestFn(definition.timeField())))
            .setCoder(coder);
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
    return KeyedPCollectionTuple.of(ROWS, newest)
        .and(VERDICTS, verdicts)
        .apply("Join the listing's verdicts", CoGroupByKey.create())
        .apply("Keep rows the listing kept", ParDo.of(new KeepFn(definition.statusField())));
  }

  static final class ByKeyFn extends DoFn<GenericRecord, KV<String, GenericRecord>> {
    private final String keyField;

    ByKeyFn(String keyField) {
      this.keyField = keyField;
    }

    @ProcessElement
    public void process(@Element GenericRecord row, OutputReceiver<KV<String, GenericRecord>> out) {
      out.output(KV.of(String.valueOf(row.get(keyField)), row));
    }
  }

  /** Of the rows of one key, the one made last (a table with two rows of a key is broken). */
  static final class NewestFn
      extends DoFn<KV<String, Iterable<GenericRecord>>, KV<String, GenericRecord>> {
    private final String timeField;
    private transient Counter duplicates;

    NewestFn(String timeField) {
      this.timeField = timeField;
    }

    @Setup
    public void setup() {
      duplicates = Metrics.counter(StageMetrics.NAMESPACE, StageMetrics.RESUME_DUPLICATES);
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<GenericRecord>> rows,
        OutputReceiver<KV<String, GenericRecord>> out) {
      GenericRecord newest = null;
      Instant newestTime = null;
      for (GenericRecord row : rows.getValue()) {
        Instant time = time(row);
        if (newest == null) {
          newest = row;
          newestTime = time;
          continue;
        }
        duplicates.inc();
        if (time != null && (newestTime == null || time.isAfter(newestTime))) {
          newest = row;
          newestTime = time;
        }
      }
      out.output(KV.of(rows.getKey(), newest));
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

  static final class KeepFn extends DoFn<KV<String, CoGbkResult>, GenericRecord> {
    private final String statusField;
    private transient Counter kept;
    private transient Counter redone;
    private transient Counter dropped;

    KeepFn(String statusField) {
      this.statusField = statusField;
    }

    @Setup
    public void setup() {
      kept = Metrics.counter(StageMetrics.NAMESPACE, StageMetrics.RESUME_CARRIED);
      redone = Metrics.counter(StageMetrics.NAMESPACE, StageMetrics.RESUME_REDONE);
      dropped = Metrics.counter(StageMetrics.NAMESPACE, StageMetrics.RESUME_DROPPED);
    }

    @ProcessElement
    public void process(
        @Element KV<String, CoGbkResult> joined, OutputReceiver<GenericRecord> out) {
      GenericRecord row = joined.getValue().getOnly(ROWS, null);
      if (row == null) {
        return;
      }
      boolean listed = false;
      boolean keep = true;
      for (String verdict : joined.getValue().getAll(VERDICTS)) {
        listed = true;
        keep &=
            ResumeVerdicts.KEEP.equals(verdict); // a key listed twice is kept only if both say so
      }
      keep &= listed;
      if (keep) {
        kept.inc();
        out.output(row);
      } else if (!listed) {
        dropped.inc();
      } else if ("ok".equals(String.valueOf(row.get(statusField)))) {
        redone.inc();
      }
    }
  }
}
