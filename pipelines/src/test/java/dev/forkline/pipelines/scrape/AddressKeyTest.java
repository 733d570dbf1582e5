package dev.forkline.pipelines.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** politeness-key: ip: what a host counts by. */
class AddressKeyTest {
  @Test
  void theHostOfAnAuthorityHasNoPortAndNoBrackets() {
    assertEquals("a.example", AddressKey.hostOf("a.example:8080"));
    assertEquals("a.example", AddressKey.hostOf("a.example"));
    assertEquals("::1", AddressKey.hostOf("[::1]:8080"));
    assertEquals("::1", AddressKey.hostOf("[::1]"));
  }

  @Test
  void twoPortsOfOneAddressAreOneKey() throws Exception {
    AddressKey key = new AddressKey();
    assertEquals("127.0.0.1", key.resolve("127.0.0.1:8080"));
    assertEquals(key.resolve("127.0.0.1:8080"), key.resolve("127.0.0.1:9090"));
    assertEquals("127.0.0.2", key.resolve("127.0.0.2:8080"));
  }

  @Test
  void aHostThatDoesNotResolveIsAFailureTheExecutorKeepsTheHostFor() {
    assertThrows(UnknownHostException.class, () -> new AddressKey().resolve("no-such.invalid:80"));
  }

  @Test
  void urlsWithoutAHostStayTogether() throws Exception {
    assertEquals("", new AddressKey().resolve(""));
  }
}
