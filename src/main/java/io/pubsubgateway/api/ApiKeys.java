package io.pubsubgateway.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The accepted API keys. A presented key is compared with each configured one in constant time
 * (SHA-256 digests compared with {@link MessageDigest#isEqual}, every key checked), so neither
 * timing nor length tells how close a guess was.
 */
final class ApiKeys {
  private final List<byte[]> digests;

  ApiKeys(List<String> keys) {
    this.digests = keys.stream().map(ApiKeys::sha256).toList();
  }

  /** True when {@code presented} is one of the keys; null is never accepted. */
  boolean accepts(String presented) {
    if (presented == null || presented.isEmpty()) {
      return false;
    }
    byte[] digest = sha256(presented);
    boolean match = false;
    for (byte[] d : digests) {
      match |= MessageDigest.isEqual(d, digest);
    }
    return match;
  }

  /**
   * The key of a request: the {@code X-API-Key} header, else {@code Authorization: apikey <key>}
   * (scheme case-insensitive); null when neither is present.
   */
  static String fromHeaders(String xApiKey, String authorization) {
    if (xApiKey != null) {
      return xApiKey.trim();
    }
    if (authorization != null && authorization.regionMatches(true, 0, "apikey ", 0, 7)) {
      return authorization.substring(7).trim();
    }
    return null;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
