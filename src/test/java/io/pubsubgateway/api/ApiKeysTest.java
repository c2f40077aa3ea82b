package io.pubsubgateway.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeysTest {
  private final ApiKeys keys = new ApiKeys(List.of("first-key-0123456789", "second-key-0123456789"));

  @Test
  void acceptsEachConfiguredKeyOnly() {
    assertTrue(keys.accepts("first-key-0123456789"));
    assertTrue(keys.accepts("second-key-0123456789"));
    assertFalse(keys.accepts("first-key-012345678"));
    assertFalse(keys.accepts("first-key-01234567890"));
    assertFalse(keys.accepts("FIRST-KEY-0123456789"));
    assertFalse(keys.accepts(""));
    assertFalse(keys.accepts(null));
    assertFalse(new ApiKeys(List.of()).accepts("first-key-0123456789"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "null", value = {
    "k1|null|k1",
    "' k1 '|apikey k2|k1",
    "null|apikey k2|k2",
    "null|ApiKey   k2 |k2",
    "null|Bearer k2|null",
    "null|apikeyk2|null",
    "null|null|null",
  })
  void keyFromHeaders(String xApiKey, String authorization, String expected) {
    String key = ApiKeys.fromHeaders(xApiKey, authorization);
    if (expected == null) {
      assertNull(key);
    } else {
      assertEquals(expected, key);
    }
  }
}
