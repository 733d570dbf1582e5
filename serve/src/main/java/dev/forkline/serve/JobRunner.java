package dev.forkline.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forkline.pipelines.report.RunRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued jobs, oldest first, {@code slots} at a time, each as {@code forkline run} in a JVM of
 * its own: a job that crashes or runs out of memory ends its JVM, never the service. Its output
 * goes to the job's log, its {@code --progress json} lines to the store and the job's watchers.
 */
final class JobRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long a cancelled job's JVM has to stop its workers before it is killed. */
  static final long CANCEL_GRACE_MILLIS = 10_000;

  private final JobStore store;
  private final Events events;
  private final Path dataDir;
  private final List<String> forkline;
  private final int slots;
  private final Map<Long, Running> running = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Object wake = new Object();
  private volatile boolean closed;

  /** A job's process while it runs. */
  private static final class Running {
    final Process process;
    volatile boolean cancelled;

    Running(Process process) {
      this.process = process;
    }
  }

  /**
   * @param forkline the command that runs forkline ({@code [bash, HOME/forkline]} or {@code [java,
   *     -jar, forkline.jar]}), to which {@code run CONFIG ...} is appended
   */
  JobRunner(JobStore store, Events events, Path dataDir, List<String> forkline, int slots) {
    this.store = store;
    this.events = events;
    this.dataDir = dataDir;
    this.forkline = List.copyOf(forkline);
    this.slots = slots;
  }

  static Path jobDir(Path dataDir, long id) {
    return dataDir.resolve("jobs").resolve(Long.toString(id));
  }

  static Path configFile(Path dataDir, long id) {
    return jobDir(dataDir, id).resolve("config.yaml");
  }

  static Path logFile(Path dataDir, long id) {
    return jobDir(dataDir, id).resolve("job.log");
  }

  /** Marks the jobs an earlier service left running as interrupted, ending their JVMs; starts. */
  void start() {
    for (Job job : store.running()) {
      if (job.pid() != null) {
        ProcessHandle.of(job.pid())
            .filter(
                p ->
                    p.info()
                        .commandLine()
                        .orElse("")
                        .contains(jobDir(dataDir, job.id()).toString()))
            .ifPresent(JobRunner::killTree);
      }
      store.finish(
          job.id(),
          Job.INTERRUPTED,
          null,
          "the service stopped while the job ran; resume it to go on from its finished rows");
    }
    for (int i = 0; i < slots; i++) {
      Thread t = new Thread(this::loop, "forkline-serve-jobs-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  /** A job was queued. */
  void wake() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  private void loop() {
    while (!closed) {
      Job job = claim();
      if (job == null) {
        synchronized (wake) {
          try {
            wake.wait(500);
          } catch (InterruptedException e) {
            return;
          }
        }
        continue;
      }
      try {
        run(job);
      } catch (RuntimeException | IOException e) {
        LOG.warn("job {}: {}", job.id(), e.toString());
        store.finish(job.id(), Job.FAILED, null, "the service could not run it: " + e.getMessage());
        announceEnd(job.id());
      }
    }
  }

  /** The next queued job, marked running (without a process yet); null if none. */
  private synchronized Job claim() {
    if (closed) {
      return null;
    }
    Job next = store.nextQueued().orElse(null);
    if (next == null || !store.start(next.id())) {
      return null;
    }
    return next;
  }

  private void run(Job job) throws IOException {
    Path log = logFile(dataDir, job.id());
    List<String> command = command(job);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(Path.of(job.base()).toFile())
            .redirectErrorStream(true);
    builder.environment().remove("FORKLINE_DAEMON");
    try (Writer out =
        Files.newBufferedWriter(
            log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      out.write(
          "== run "
              + (job.runs() + 1)
              + " at "
              + Instant.now()
              + ": "
              + String.join(" ", command)
              + "\n");
      out.flush();
      Process process;
      synchronized (this) {
        if (closed) {
          store.finish(
              job.id(), Job.INTERRUPTED, null, "the service stopped before the job started");
          return;
        }
        process = builder.start();
        running.put(job.id(), new Running(process));
      }
      store.setPid(job.id(), process.pid());
      announce(job.id());
      String lastError = pump(job, process, out);
      int exit = waitFor(process);
      Running r = running.remove(job.id());
      boolean cancelled = r != null && r.cancelled;
      out.write("== exit " + exit + (cancelled ? " (cancelled)" : "") + "\n");
      finish(job, exit, cancelled, lastError);
    }
    announceEnd(job.id());
  }

  /** The job's {@code forkline run} command line. */
  private List<String> command(Job job) {
    List<String> command = new ArrayList<>(forkline);
    command.add("run");
    command.add(configFile(dataDir, job.id()).toString());
    command.add("--base");
    command.add(job.base());
    command.add("--progress");
    command.add("json");
    for (String override : job.overrides()) {
      command.add("--set");
      command.add(override);
    }
    if (job.resume()) {
      command.add("--resume");
    }
    return command;
  }

  /**
   * Reads the job's output to its end: progress lines become events (and, each second, the store's
   * counters), the rest goes to its log. Returns the last error line, or null.
   */
  private String pump(Job job, Process process, Writer out) throws IOException {
    String lastError = null;
    long lastStored = 0;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("{\"progress\":")) {
          JsonNode p = JSON.readTree(line).get("progress");
          if (System.nanoTime() - lastStored > 1_000_000_000L) {
            store.progress(
                job.id(),
                p.path("inputs").asLong(),
                p.path("rows").asLong(),
                p.path("ok").asLong(),
                p.path("failed").asLong());
            lastStored = System.nanoTime();
          }
          events.send(job.id(), "progress", JSON.writeValueAsString(p), false);
          continue;
        }
        out.write(line);
        out.write('\n');
        out.flush();
        if (line.startsWith("forkline: ")) {
          lastError = line.substring("forkline: ".length());
        }
      }
    }
    return lastError;
  }

  /** Stores how the job ended: its counters from run.json, its state and a line saying why. */
  private void finish(Job job, int exit, boolean cancelled, String lastError) {
    RunRecord record = job.output() == null ? null : RunRecord.readFrom(Path.of(job.output()));
    if (record != null && exit <= 1 && !cancelled) {
      store.progress(
          job.id(),
          record.inputs(),
          record.ok() + record.failed() + record.carriedOver(),
          record.ok() + record.carriedOver(),
          record.failed());
    }
    String state;
    String message;
    if (cancelled) {
      state = Job.CANCELLED;
      message = "cancelled while it ran; resume it to go on from its finished rows";
    } else if (closed) {
      state = Job.INTERRUPTED;
      message = "the service stopped while the job ran; resume it to go on from its finished rows";
    } else if (exit == 0 || exit == 1) {
      state = Job.SUCCEEDED;
      message =
          exit == 0
              ? "every row ok"
              : (record == null ? "some" : String.format("%,d", record.failed())) + " rows failed";
    } else {
      state = Job.FAILED;
      message = lastError != null ? lastError : "forkline run exited with " + exit;
    }
    store.finish(job.id(), state, exit, message);
  }

  private static int waitFor(Process process) {
    while (true) {
      try {
        return process.waitFor();
      } catch (InterruptedException e) {
        // the service's threads are daemons: keep waiting for the exit code
      }
    }
  }

  private void announce(long id) {
    store
        .get(id)
        .ifPresent(job -> events.send(id, "state", JobJson.write(JobJson.summary(job)), false));
  }

  private void announceEnd(long id) {
    store
        .get(id)
        .ifPresent(job -> events.send(id, "end", JobJson.write(JobJson.summary(job)), true));
  }

  /**
   * Cancels a job: a queued one is taken off the queue; a running one gets SIGTERM, which stops its
   * workers and ends its run as Ctrl-C does, and is killed with its workers if it has not ended
   * after {@value #CANCEL_GRACE_MILLIS} ms. False if the job is neither queued nor running.
   */
  boolean cancel(long id) {
    if (store.cancelQueued(id)) {
      announceEnd(id);
      return true;
    }
    Running r = running.get(id);
    if (r == null) {
      return false;
    }
    r.cancelled = true;
    stop(r.process);
    return true;
  }

  private static void stop(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    process.destroy();
    Thread killer =
        new Thread(
            () -> {
              try {
                if (!process.waitFor(CANCEL_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                  tree.addAll(process.descendants().toList());
                  process.destroyForcibly();
                }
                process.waitFor(CANCEL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                process.destroyForcibly();
              }
              for (ProcessHandle p : tree) {
                p.destroyForcibly(); // a worker its JVM left behind
              }
            },
            "forkline-serve-cancel-" + process.pid());
    killer.setDaemon(true);
    killer.start();
  }

  private static void killTree(ProcessHandle process) {
    List<ProcessHandle> tree = process.descendants().toList();
    process.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  /** Stops every running job (they become interrupted) and the job threads. */
  @Override
  public void close() {
    List<Running> stopping;
    synchronized (this) {
      closed = true;
      stopping = new ArrayList<>(running.values());
    }
    wake();
    for (Running r : stopping) {
      stop(r.process);
    }
    for (Running r : stopping) {
      try {
        r.process.waitFor(CANCEL_GRACE_MILLIS + 2_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Thread t : threads) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }
}
