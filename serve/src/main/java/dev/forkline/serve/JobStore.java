package dev.forkline.serve;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The jobs, in SQLite ({@code jobs.db} in the data folder): a restarted service finds every earlier
 * job there. One connection, used under this object's lock; SQLite's WAL journal keeps a write cut
 * short by a crash from corrupting it.
 */
final class JobStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Connection db;

  JobStore(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    try {
      db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("jobs.db"));
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
        s.execute(
            """
            CREATE TABLE IF NOT EXISTS jobs (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              state TEXT NOT NULL,
              pipeline TEXT,
              config TEXT NOT NULL,
              overrides TEXT NOT NULL,
              base TEXT NOT NULL,
              output TEXT,
              created_at TEXT NOT NULL,
              started_at TEXT,
              finished_at TEXT,
              exit_code INTEGER,
              inputs INTEGER NOT NULL DEFAULT 0,
              rows INTEGER NOT NULL DEFAULT 0,
              ok INTEGER NOT NULL DEFAULT 0,
              failed INTEGER NOT NULL DEFAULT 0,
              resume INTEGER NOT NULL DEFAULT 0,
              runs INTEGER NOT NULL DEFAULT 0,
              pid INTEGER,
              message TEXT)
            """);
      }
    } catch (SQLException e) {
      throw new IOException(
          "cannot open the jobs database in " + dataDir + ": " + e.getMessage(), e);
    }
  }

  synchronized Job insert(
      String pipeline, String config, List<String> overrides, String base, String output) {
    try (PreparedStatement s =
        db.prepareStatement(
            "INSERT INTO jobs (state, pipeline, config, overrides, base, output, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)",
            Statement.RETURN_GENERATED_KEYS)) {
      s.setString(1, Job.QUEUED);
      s.setString(2, pipeline);
      s.setString(3, config);
      s.setString(4, JSON.writeValueAsString(overrides));
      s.setString(5, base);
      s.setString(6, output);
      s.setString(7, Instant.now().toString());
      s.executeUpdate();
      try (ResultSet keys = s.getGeneratedKeys()) {
        keys.next();
        return get(keys.getLong(1)).orElseThrow();
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot record the job: " + e.getMessage(), e);
    }
  }

  synchronized Optional<Job> get(long id) {
    List<Job> jobs = query("SELECT * FROM jobs WHERE id = ?", id);
    return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
  }

  /** Every job, newest first. */
  synchronized List<Job> list(int limit) {
    return query("SELECT * FROM jobs ORDER BY id DESC LIMIT ?", limit);
  }

  /** The oldest queued job. */
  synchronized Optional<Job> nextQueued() {
    List<Job> jobs = query("SELECT * FROM jobs WHERE state = ? ORDER BY id LIMIT 1", Job.QUEUED);
    return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
  }

  /** Jobs a service that stopped left running. */
  synchronized List<Job> running() {
    return query("SELECT * FROM jobs WHERE state = ?", Job.RUNNING);
  }

  /** Marks a queued job running; false if it was no longer queued. */
  synchronized boolean start(long id) {
    return update(
            "UPDATE jobs SET state = ?, started_at = ?, finished_at = NULL, exit_code = NULL,"
                + " pid = NULL, runs = runs + 1, message = NULL WHERE id = ? AND state = ?",
            Job.RUNNING,
            Instant.now().toString(),
            id,
            Job.QUEUED)
        == 1;
  }

  synchronized void setPid(long id, long pid) {
    update("UPDATE jobs SET pid = ? WHERE id = ?", pid, id);
  }

  synchronized void progress(long id, long inputs, long rows, long ok, long failed) {
    update(
        "UPDATE jobs SET inputs = ?, rows = ?, ok = ?, failed = ? WHERE id = ?",
        inputs,
        rows,
        ok,
        failed,
        id);
  }

  synchronized void finish(long id, String state, Integer exitCode, String message) {
    update(
        "UPDATE jobs SET state = ?, finished_at = ?, exit_code = ?, pid = NULL, message = ?,"
            + " resume = 0 WHERE id = ?",
        state,
        Instant.now().toString(),
        exitCode,
        message,
        id);
  }

  /** Queues a finished job again; false if it is queued or running. */
  synchronized boolean requeue(long id, boolean resume) {
    return update(
            "UPDATE jobs SET state = ?, resume = ?, message = NULL WHERE id = ? AND state NOT IN (?, ?)",
            Job.QUEUED,
            resume ? 1 : 0,
            id,
            Job.QUEUED,
            Job.RUNNING)
        == 1;
  }

  /** Cancels a queued job; false if it is not queued. */
  synchronized boolean cancelQueued(long id) {
    return update(
            "UPDATE jobs SET state = ?, finished_at = ?, message = ? WHERE id = ? AND state = ?",
            Job.CANCELLED,
            Instant.now().toString(),
            "cancelled before it started",
            id,
            Job.QUEUED)
        == 1;
  }

  private int update(String sql, Object... args) {
    try (PreparedStatement s = db.prepareStatement(sql)) {
      bind(s, args);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("the jobs database: " + e.getMessage(), e);
    }
  }

  private List<Job> query(String sql, Object... args) {
    try (PreparedStatement s = db.prepareStatement(sql)) {
      bind(s, args);
      List<Job> jobs = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          jobs.add(job(r));
        }
      }
      return jobs;
    } catch (SQLException e) {
      throw new IllegalStateException("the jobs database: " + e.getMessage(), e);
    }
  }

  private static void bind(PreparedStatement s, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null) {
        s.setNull(i + 1, Types.NULL);
      } else if (a instanceof Integer n) {
        s.setInt(i + 1, n);
      } else if (a instanceof Long n) {
        s.setLong(i + 1, n);
      } else {
        s.setString(i + 1, a.toString());
      }
    }
  }

  private static Job job(ResultSet r) throws SQLException {
    List<String> overrides;
    try {
      overrides = JSON.readValue(r.getString("overrides"), new TypeReference<List<String>>() {});
    } catch (IOException e) {
      overrides = List.of();
    }
    int exit = r.getInt("exit_code");
    Integer exitCode = r.wasNull() ? null : exit;
    long pid = r.getLong("pid");
    Long pidOrNull = r.wasNull() ? null : pid;
    return new Job(
        r.getLong("id"),
        r.getString("state"),
        r.getString("pipeline"),
        r.getString("config"),
        overrides,
        r.getString("base"),
        r.getString("output"),
        r.getString("created_at"),
        r.getString("started_at"),
        r.getString("finished_at"),
        exitCode,
        r.getLong("inputs"),
        r.getLong("rows"),
        r.getLong("ok"),
        r.getLong("failed"),
        r.getInt("resume") != 0,
        r.getInt("runs"),
        pidOrNull,
        r.getString("message"));
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // closing at exit
    }
  }
}
