package dev.forkline.pipelines.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo site the fetch workloads run against, in its own JVM so its CPU and memory are not the
 * driver's: started, its port read, warmed and stopped.
 */
final class BenchSite {
  private BenchSite() {}

  /** Starts {@code forkline demo-site} on a free port; {@code more}: its further options. */
  static Process start(Path site, Duration latency, List<String> more) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            java,
            "-Xlog:disable",
            "-Xlog:all=error:stderr",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.forkline.pipelines.cli.ForklineCli",
            "demo-site",
            site.toAbsolutePath().toString(),
            "--port",
            "0",
            "--latency",
            latency.toMillis() + "ms"));
    cmd.addAll(more);
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** The port from the site's first line; the rest of its output is read and dropped. */
  static int awaitPort(Process server) throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line = reader.readLine();
    Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/").matcher(line == null ? "" : line);
    if (!m.find()) {
      throw new IOException("the demo site did not start: " + line);
    }
    Thread drain =
        new Thread(
            () -> {
              try {
                while (reader.readLine() != null) {
                  // discard
                }
              } catch (IOException e) {
                // ended
              }
            },
            "bench-site-out");
    drain.setDaemon(true);
    drain.start();
    return Integer.parseInt(m.group(1));
  }

  /**
   * Has the site's JVM compile its request path before the first row, as a real site is warm: each
   * of {@code threads} threads of this JVM gets a share of the pages once, through the JDK's {@code
   * HttpURLConnection} (not forkline's fetcher, which stays as cold as each row's run leaves it).
   * About {@code pages / threads} latencies.
   */
  static void warm(String base, List<String> pages, int threads) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        done.add(
            pool.submit(
                () -> {
                  fetchEach(base, pages, first, threads);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while warming the site", e);
    } catch (ExecutionException e) {
      throw new IOException("the demo site did not answer its warm-up: " + e.getCause(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Fetches every {@code step}th page from {@code first}, reading each to its end. */
  private static void fetchEach(String base, List<String> pages, int first, int step)
      throws IOException {
    byte[] buf = new byte[8192];
    for (int i = first; i < pages.size(); i += step) {
      HttpURLConnection c =
          (HttpURLConnection) URI.create(base + pages.get(i)).toURL().openConnection();
      try (InputStream in = c.getInputStream()) {
        while (in.read(buf) >= 0) {
          // drain, so the connection is kept
        }
      }
    }
  }

  /** Ends the site: SIGTERM, then SIGKILL after 5 s. */
  static void stop(Process server) throws InterruptedException {
    server.destroy();
    if (!server.waitFor(5, TimeUnit.SECONDS)) {
      server.destroyForcibly();
    }
  }
}
