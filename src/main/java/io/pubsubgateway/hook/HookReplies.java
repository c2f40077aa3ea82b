package io.pubsubgateway.hook;

import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a hook's reply, which must be a JSON object of exactly one of these shapes:
 * <pre>
 * {"result":"accept"}
 * {"result":"accept","body":B}        publish and send only: B (any JSON value) is what is published
 * {"result":"accept","info":{...}}    connect only: the info attached to the connection
 * {"result":"reject","code":C,"message":M}   C snake_case (a-z, 0-9, _; at most 64), M optional text
 * </pre>
 * Anything else (another type, an unknown field, a field of the wrong type) is malformed: a hook
 * failure. Stateless.
 */
public final class HookReplies {
  /** What a hook's error code must look like. */
  static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  /** A longer refusal message is cut to this many characters. */
  static final int MAX_MESSAGE_CHARS = 256;
  private static final Set<String> ACCEPT_FIELDS = Set.of("result");
  private static final Set<String> REJECT_FIELDS = Set.of("result", "code", "message");

  private HookReplies() {
  }

  /** A malformed reply. */
  static final class MalformedReply extends RuntimeException {
    MalformedReply(String problem) {
      super(problem, null, false, false);
    }
  }

  /** The decision in {@code reply} to a request of {@code type}; throws {@link MalformedReply}. */
  static HookDecision parse(HookType type, Object reply) {
    if (!(reply instanceof JsonObject r)) {
      throw new MalformedReply("not a JSON object: " + describe(reply));
    }
    Object result = r.getValue("result");
    if ("accept".equals(result)) {
      return accept(type, r);
    }
    if ("reject".equals(result)) {
      unknownFields(r, REJECT_FIELDS);
      if (!(r.getValue("code") instanceof String code) || !CODE.matcher(code).matches()) {
        throw new MalformedReply("reject needs a snake_case code (a-z 0-9 _, at most 64), got "
          + describe(r.getValue("code")));
      }
      Object message = r.getValue("message");
      if (message != null && !(message instanceof String)) {
        throw new MalformedReply("message must be a string, got " + describe(message));
      }
      String text = message == null ? "refused" : (String) message;
      return HookDecision.reject(code, text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) : text);
    }
    throw new MalformedReply("result must be accept or reject, got " + describe(result));
  }

  private static HookDecision accept(HookType type, JsonObject r) {
    if (type.replacesBody() && r.containsKey("body")) {
      unknownFields(r, Set.of("result", "body"));
      return new HookDecision(true, null, null, false, true, r.getValue("body"), null);
    }
    if (type == HookType.CONNECT && r.containsKey("info")) {
      unknownFields(r, Set.of("result", "info"));
      if (!(r.getValue("info") instanceof JsonObject info)) {
        throw new MalformedReply("info must be a JSON object, got " + describe(r.getValue("info")));
      }
      return new HookDecision(true, null, null, false, false, null, info);
    }
    unknownFields(r, ACCEPT_FIELDS);
    return HookDecision.ACCEPT;
  }

  private static void unknownFields(JsonObject r, Set<String> allowed) {
    for (String field : r.fieldNames()) {
      if (!allowed.contains(field)) {
        throw new MalformedReply("unexpected field " + field + " in a reply with result " + r.getValue("result"));
      }
    }
  }

  private static String describe(Object value) {
    String s = value == null ? "null" : value instanceof String ? '"' + (String) value + '"' : String.valueOf(value);
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
