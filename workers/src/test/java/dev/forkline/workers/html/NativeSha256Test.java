package dev.forkline.workers.html;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.kernel.NativeLibraries;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The native SHA-256 gives the JDK's hash on every length around the padding's edges and more. */
class NativeSha256Test {

  @BeforeAll
  static void nativeIsHere() {
    NativeLibraries.requireLoaded(Sha256.LIBRARY);
    Assumptions.assumeTrue(
        !Sha256.NO_SHA_NI.equals(Sha256.unavailableWhy()), "this CPU has no SHA extensions");
    assertTrue(Sha256.nativeHere(), "native SHA-256: " + Sha256.unavailableWhy());
  }

  @Test
  void knownAnswers() {
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        HexFormat.of().formatHex(Sha256.digest(new byte[0])));
    assertEquals(
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        HexFormat.of()
            .formatHex(
                Sha256.digest(
                    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
                        .getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void everyLengthUpTo300MatchesTheJdk() {
    Random rnd = new Random(42);
    for (int len = 0; len <= 300; len++) {
      byte[] data = new byte[len];
      rnd.nextBytes(data);
      assertArrayEquals(Sha256.jdk(data), Sha256.digest(data), "length " + len);
    }
  }

  @Test
  void largeInputsMatchTheJdk() {
    Random rnd = new Random(7);
    for (int len : new int[] {20_411, 65_536, 1_000_003, 5 << 20}) {
      byte[] data = new byte[len];
      rnd.nextBytes(data);
      assertArrayEquals(Sha256.jdk(data), Sha256.digest(data), "length " + len);
    }
  }
}
