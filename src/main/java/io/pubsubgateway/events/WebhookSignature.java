package io.pubsubgateway.events;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The signature of a webhook request: {@code sha256=} and the lower-case hex HMAC-SHA256, under the
 * secret's UTF-8 bytes, of the timestamp header's value (ASCII digits), a dot, and the exact body
 * bytes. A receiver recomputes it over the raw body and compares in constant time (src/docs/events.md).
 *
 * <p>Threading: an instance is not thread-safe (it keeps one {@link Mac}); the static methods are.
 */
public final class WebhookSignature {
  /** The request header carrying the signature. */
  public static final String SIGNATURE_HEADER = "X-Pubsub-Signature";
  /** The request header carrying the send time, epoch milliseconds; part of the signed bytes. */
  public static final String TIMESTAMP_HEADER = "X-Pubsub-Timestamp";
  private static final String ALGORITHM = "HmacSHA256";
  private static final String PREFIX = "sha256=";

  private final Mac mac;

  public WebhookSignature(String secret) {
    this.mac = mac(secret);
  }

  /** The {@link #SIGNATURE_HEADER} value for a request with this timestamp and body. */
  public String sign(String timestamp, byte[] body) {
    mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
    mac.update((byte) '.');
    return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
  }

  /** Whether {@code signature} is the one of this timestamp and body under {@code secret} (constant-time). */
  public static boolean verify(String secret, String timestamp, byte[] body, String signature) {
    if (signature == null || timestamp == null) {
      return false;
    }
    String expected = new WebhookSignature(secret).sign(timestamp, body);
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
      signature.getBytes(StandardCharsets.US_ASCII));
  }

  private static Mac mac(String secret) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
