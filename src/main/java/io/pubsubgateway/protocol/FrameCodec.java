package io.pubsubgateway.protocol;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Decodes client frames and encodes gateway frames. The frames are those of vertx-web's event-bus
 * bridge (see {@code src/docs/protocol.md}). Stateless and thread-safe.
 */
public final class FrameCodec {
  /** {@code {"type":"pong"}}, encoded once. */
  public static final byte[] PONG = "{\"type\":\"pong\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  /** {@code {"type":"ping"}} exactly as the SDK and most bridge clients send it. */
  private static final byte[] PING = "{\"type\":\"ping\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private FrameCodec() {
  }

  /**
   * True when {@code data} is exactly {@code {"type":"ping"}}: the frame idle connections send most,
   * recognised without running the JSON parser (which allocates ~2 KiB per frame). Any other
   * spelling of a ping still goes through {@link #decode}, with the same result.
   */
  public static boolean isPlainPing(Buffer data) {
    if (data.length() != PING.length) {
      return false;
    }
    for (int i = 0; i < PING.length; i++) {
      if (data.getByte(i) != PING[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes one client text frame.
   *
   * @throws ProtocolException with the wire error code for malformed input
   */
  public static ClientFrame decode(Buffer data) throws ProtocolException {
    Object parsed;
    try {
      parsed = Json.CODEC.fromBuffer(data, Object.class);
    } catch (DecodeException | IllegalStateException e) {
      throw new ProtocolException(ErrorCode.INVALID_JSON, "malformed JSON", null, null);
    }
    JsonObject json = asObject(parsed);
    if (json == null) {
      throw new ProtocolException(ErrorCode.INVALID_JSON, "a frame must be a JSON object", null, null);
    }
    Object id = json.getValue("id");
    if (id != null && !(id instanceof String) && !(id instanceof Number)) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "id must be a string or a number", null, null);
    }
    Object typeValue = json.getValue("type");
    if (typeValue == null) {
      throw new ProtocolException(ErrorCode.MISSING_TYPE, "type is missing", null, id);
    }
    FrameType type = typeValue instanceof String s ? FrameType.fromWire(s) : null;
    if (type == null) {
      throw new ProtocolException(ErrorCode.INVALID_TYPE, "unknown type", null, id);
    }
    if (type == FrameType.PING) {
      return new ClientFrame(type, null, null, new JsonObject(), id);
    }
    if (type == FrameType.REFRESH) {
      Object token = json.getValue("token");
      if (!(token instanceof String t) || t.isEmpty()) {
        throw new ProtocolException(ErrorCode.INVALID_TOKEN, token == null ? "token is missing"
          : "token must be a non-empty string", null, id);
      }
      return new ClientFrame(type, null, t, new JsonObject(), id);
    }
    Object addressValue = json.getValue("address");
    if (addressValue == null) {
      throw new ProtocolException(ErrorCode.MISSING_ADDRESS, "address is missing", null, id);
    }
    if (!(addressValue instanceof String address)) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "address must be a string", null, id);
    }
    Object headersValue = json.getValue("headers");
    JsonObject headers;
    if (headersValue == null) {
      headers = new JsonObject();
    } else if (headersValue instanceof JsonObject h) {
      for (Map.Entry<String, Object> e : h) {
        if (!(e.getValue() instanceof String)) {
          throw new ProtocolException(ErrorCode.INVALID_FRAME, "header values must be strings", address, id);
        }
      }
      headers = h;
    } else {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "headers must be an object", address, id);
    }
    Object body = type == FrameType.PUBLISH || type == FrameType.SEND ? sendable(json.getValue("body"))
      : type == FrameType.HISTORY ? limit(json.getValue("limit"), address, id) : null;
    String replyAddress = null;
    if (type == FrameType.SEND && json.getValue("replyAddress") != null) {
      if (!(json.getValue("replyAddress") instanceof String r) || r.isEmpty()
        || r.length() > ClientFrame.MAX_REPLY_ADDRESS_LENGTH) {
        throw new ProtocolException(ErrorCode.INVALID_FRAME, "replyAddress must be a string of 1 to "
          + ClientFrame.MAX_REPLY_ADDRESS_LENGTH + " characters", address, id);
      }
      replyAddress = r;
    }
    return new ClientFrame(type, address, body, headers, id, replyAddress);
  }

  /** A history request's optional {@code limit}: a positive integer, or null for "all kept". */
  private static Integer limit(Object value, String address, Object id) throws ProtocolException {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1) {
      throw new ProtocolException(ErrorCode.INVALID_FRAME, "limit must be a positive integer", address, id);
    }
    return (int) Math.min(((Number) value).longValue(), Integer.MAX_VALUE);
  }

  @SuppressWarnings("unchecked")
  private static JsonObject asObject(Object parsed) {
    if (parsed instanceof JsonObject o) {
      return o;
    }
    return parsed instanceof Map ? new JsonObject((Map<String, Object>) parsed) : null;
  }

  /** Maps a decoded JSON value to a type the event bus has a codec for. */
  private static Object sendable(Object value) {
    if (value instanceof BigInteger || value instanceof BigDecimal) {
      return ((Number) value).doubleValue();
    }
    return value;
  }

  /**
   * Encodes {@code {"type":"rec","address":A,"body":B,"headers":{..}}}; headers only when non-empty.
   * Called once per message per node: the result is shared by every local subscriber.
   */
  public static byte[] encodeRec(String address, Object body, MultiMap headers) {
    JsonObject frame = new JsonObject().put("type", "rec").put("address", address).put("body", jsonValue(body));
    if (headers != null && !headers.isEmpty()) {
      JsonObject h = new JsonObject();
      for (Map.Entry<String, String> e : headers) {
        h.put(e.getKey(), e.getValue());
      }
      frame.put("headers", h);
    }
    return frame.toBuffer().getBytes();
  }

  /** A {@code rec} frame with headers as a JSON object of strings: a message read back from history. */
  public static byte[] encodeStoredRec(String address, Object body, JsonObject headers) {
    JsonObject frame = new JsonObject().put("type", "rec").put("address", address).put("body", jsonValue(body));
    if (headers != null && !headers.isEmpty()) {
      frame.put("headers", headers);
    }
    return frame.toBuffer().getBytes();
  }

  /**
   * Encodes an extension frame {@code {"type":T,"address":A,"body":B,"id":I?}}: the answer to a
   * history or presence request (with its id), or a join/leave event (without).
   */
  public static byte[] encodeReply(String type, Object id, String address, JsonObject body) {
    JsonObject frame = new JsonObject().put("type", type).put("address", address).put("body", body);
    if (id != null) {
      frame.put("id", id);
    }
    return frame.toBuffer().getBytes();
  }

  /**
   * Encodes the failure of a {@code send} as vertx-web's bridge does:
   * {@code {"type":"err","address":R,"failureCode":C,"failureType":T,"message":M}}.
   */
  public static byte[] encodeReplyFailure(String replyAddress, int failureCode, String failureType, String message) {
    return new JsonObject().put("type", "err").put("address", replyAddress).put("failureCode", failureCode)
      .put("failureType", failureType).put("message", message).toBuffer().getBytes();
  }

  /**
   * Encodes {@code {"type":"err","body":code,"address":A?,"message":M?,"id":I?}}.
   */
  public static byte[] encodeErr(ErrorCode code, String address, String message, Object id) {
    JsonObject frame = new JsonObject().put("type", "err").put("body", code.code());
    if (address != null) {
      frame.put("address", address);
    }
    if (message != null) {
      frame.put("message", message);
    }
    if (id != null) {
      frame.put("id", id);
    }
    return frame.toBuffer().getBytes();
  }

  /** Encodes the extension frame {@code {"type":"ack","id":I,"address":A?}}. */
  public static byte[] encodeAck(Object id, String address) {
    return encodeAck(id, address, null);
  }

  /**
   * The same with {@code extra} fields: a register on a channel with history adds the stream's
   * {@code offset} and {@code epoch}, and {@code recovered} when it asked for recovery.
   */
  public static byte[] encodeAck(Object id, String address, JsonObject extra) {
    JsonObject frame = new JsonObject().put("type", "ack").put("id", id);
    if (address != null) {
      frame.put("address", address);
    }
    if (extra != null) {
      frame.mergeIn(extra);
    }
    return frame.toBuffer().getBytes();
  }

  /**
   * Turns an event-bus body into a JSON value: JSON types pass through, a {@link Buffer} becomes a
   * base64 string, anything else its {@code toString()}.
   */
  static Object jsonValue(Object body) {
    if (body == null || body instanceof String || body instanceof Number || body instanceof Boolean
      || body instanceof JsonObject || body instanceof JsonArray || body instanceof Map || body instanceof List) {
      return body;
    }
    if (body instanceof Buffer buffer) {
      return Base64.getEncoder().encodeToString(buffer.getBytes());
    }
    if (body instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    return String.valueOf(body);
  }
}
