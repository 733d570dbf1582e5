package dev.forkline.pipelines.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The body stream under a gzip decoder, the way the fetcher reads compressed bodies. */
class BodyStreamTest {

  private static byte[] gzipMember(int zeros) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(new byte[zeros]);
    }
    return out.toByteArray();
  }

  @Test
  void aMultiMemberGzipBodyIsReadWholeWhenItsMembersArriveApart() throws Exception {
    BodyStream body = new BodyStream(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
    body.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
    byte[] member = gzipMember(100_000);
    body.onNext(List.of(ByteBuffer.wrap(member)));
    Thread late =
        new Thread(
            () -> {
              try {
                Thread.sleep(200);
              } catch (InterruptedException e) {
                return;
              }
              body.onNext(List.of(ByteBuffer.wrap(member)));
              body.onComplete();
            });
    late.start();

    long total = 0;
    try (GZIPInputStream in = new GZIPInputStream(body)) {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) >= 0; ) {
        total += n;
      }
    }
    late.join();

    assertEquals(200_000, total, "both members, not only the one that had arrived");
  }
}
