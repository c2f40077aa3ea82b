package io.pubsubgateway.bench;

import java.nio.charset.StandardCharsets;

/**
 * The benchmark message body, the same bytes for every system:
 * {@code {"p":<publisher>,"s":<seq>,"t":<send nanoTime>,"x":"xxx.."}} padded to a fixed size. The
 * receiver finds p, s and t by scanning the text (no JSON parsing), so parsing costs the same
 * whatever wraps the body. {@code System.nanoTime()} is CLOCK_MONOTONIC on Linux: comparable across
 * the processes of one machine.
 */
public final class Payload {
  /** Sequence number of warm-up messages (not counted). */
  public static final long WARMUP = -1;

  private Payload() {
  }

  /** The body for publisher {@code p}, sequence {@code s}, padded to at least {@code size} bytes. */
  public static String body(int p, long s, long sentNanos, int size) {
    StringBuilder b = new StringBuilder(size + 16).append("{\"p\":").append(p).append(",\"s\":").append(s)
      .append(",\"t\":").append(sentNanos).append(",\"x\":\"");
    while (b.length() < size - 2) {
      b.append('x');
    }
    return b.append("\"}").toString();
  }

  public static byte[] bytes(String body) {
    return body.getBytes(StandardCharsets.UTF_8);
  }

  /** The numeric field {@code "key":} after position {@code from} in {@code text}, or Long.MIN_VALUE. */
  public static long field(CharSequence text, String key, int from) {
    int i = indexOf(text, key, from);
    if (i < 0) {
      return Long.MIN_VALUE;
    }
    i += key.length();
    boolean negative = false;
    if (i < text.length() && text.charAt(i) == '-') {
      negative = true;
      i++;
    }
    long v = 0;
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
    }
    return negative ? -v : v;
  }

  static int indexOf(CharSequence text, String key, int from) {
    int n = text.length() - key.length();
    outer:
    for (int i = Math.max(0, from); i <= n; i++) {
      for (int k = 0; k < key.length(); k++) {
        if (text.charAt(i + k) != key.charAt(k)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
