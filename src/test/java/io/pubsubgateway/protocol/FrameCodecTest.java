package io.pubsubgateway.protocol;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameCodecTest {

  private static ClientFrame decode(String text) throws ProtocolException {
    return FrameCodec.decode(Buffer.buffer(text));
  }

  private static JsonObject parse(byte[] bytes) {
    return new JsonObject(Buffer.buffer(bytes));
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- decode: valid frames

  @Test
  void decodesRegisterWithHeaders() throws Exception {
    ClientFrame f = decode("{\"type\":\"register\",\"address\":\"chat.room1\",\"headers\":{\"k\":\"v\",\"x\":\"y\"}}");
    assertEquals(FrameType.REGISTER, f.type());
    assertEquals("chat.room1", f.address());
    assertNull(f.body());
    assertEquals(new JsonObject().put("k", "v").put("x", "y"), f.headers());
    assertNull(f.id());
  }

  @Test
  void decodesRegisterWithoutHeadersAsEmptyHeaders() throws Exception {
    ClientFrame f = decode("{\"type\":\"register\",\"address\":\"chat.room1\"}");
    assertEquals(FrameType.REGISTER, f.type());
    assertEquals("chat.room1", f.address());
    assertEquals(new JsonObject(), f.headers());
  }

  @Test
  void decodesRegisterWithNullHeadersAsEmptyHeaders() throws Exception {
    ClientFrame f = decode("{\"type\":\"register\",\"address\":\"a\",\"headers\":null}");
    assertEquals(new JsonObject(), f.headers());
  }

  @Test
  void decodesUnregister() throws Exception {
    ClientFrame f = decode("{\"type\":\"unregister\",\"address\":\"chat.room1\"}");
    assertEquals(new ClientFrame(FrameType.UNREGISTER, "chat.room1", null, new JsonObject(), null), f);
  }

  @Test
  void registerIgnoresBody() throws Exception {
    ClientFrame f = decode("{\"type\":\"register\",\"address\":\"a\",\"body\":{\"x\":1}}");
    assertNull(f.body());
  }

  static Stream<Arguments> publishBodies() {
    return Stream.of(
      Arguments.of("{\"a\":1,\"b\":[true]}", new JsonObject().put("a", 1).put("b", new JsonArray().add(true))),
      Arguments.of("{}", new JsonObject()),
      Arguments.of("[1,\"two\",null,{\"x\":false}]",
        new JsonArray().add(1).add("two").addNull().add(new JsonObject().put("x", false))),
      Arguments.of("[]", new JsonArray()),
      Arguments.of("\"hello\"", "hello"),
      Arguments.of("\"\"", ""),
      Arguments.of("42", 42),
      Arguments.of("-7", -7),
      Arguments.of("1.5", 1.5d),
      Arguments.of("true", true),
      Arguments.of("false", false),
      Arguments.of("null", null));
  }

  @ParameterizedTest(name = "[{index}] body {0}")
  @MethodSource("publishBodies")
  void decodesPublishWithEveryJsonKindOfBody(String bodyJson, Object expected) throws Exception {
    ClientFrame f = decode("{\"type\":\"publish\",\"address\":\"chat.room1\",\"body\":" + bodyJson + "}");
    assertEquals(FrameType.PUBLISH, f.type());
    assertEquals("chat.room1", f.address());
    assertEquals(expected, f.body());
    assertEquals(new JsonObject(), f.headers());
    assertNull(f.id());
  }

  @Test
  void decodesPublishWithoutBodyAsNullBody() throws Exception {
    ClientFrame f = decode("{\"type\":\"publish\",\"address\":\"a\"}");
    assertEquals(new ClientFrame(FrameType.PUBLISH, "a", null, new JsonObject(), null), f);
  }

  @Test
  void decodesPublishWithHeaders() throws Exception {
    ClientFrame f = decode("{\"type\":\"publish\",\"address\":\"a\",\"body\":1,\"headers\":{\"h\":\"v\"}}");
    assertEquals(new ClientFrame(FrameType.PUBLISH, "a", 1, new JsonObject().put("h", "v"), null), f);
  }

  @Test
  void publishBodyBigIntegerBecomesDouble() throws Exception {
    ClientFrame f = decode("{\"type\":\"publish\",\"address\":\"a\",\"body\":123456789012345678901234567890}");
    assertInstanceOf(Double.class, f.body());
    assertEquals(1.2345678901234568E29, (Double) f.body());
  }

  @Test
  void decodesPing() throws Exception {
    ClientFrame f = decode("{\"type\":\"ping\"}");
    assertEquals(new ClientFrame(FrameType.PING, null, null, new JsonObject(), null), f);
  }

  @Test
  void plainPingIsRecognisedWithoutParsing() throws Exception {
    assertTrue(FrameCodec.isPlainPing(Buffer.buffer("{\"type\":\"ping\"}")));
    // other spellings are left to decode(), which reads them as the same ping
    for (String other : new String[] {" {\"type\":\"ping\"}", "{\"type\": \"ping\"}", "{\"type\":\"pinG\"}",
      "{\"type\":\"pong\"}", "{\"type\":\"ping\",\"id\":1}", "", "{}"}) {
      assertFalse(FrameCodec.isPlainPing(Buffer.buffer(other)), other);
    }
    assertEquals(FrameType.PING, decode("{\"type\":\"ping\"}").type());
  }

  @Test
  void surroundingWhitespaceIsAllowed() throws Exception {
    assertEquals(new ClientFrame(FrameType.PING, null, null, new JsonObject(), null), decode("  {\"type\":\"ping\"}\n"));
  }

  @Test
  void pingIgnoresAddressAndHeaders() throws Exception {
    ClientFrame f = decode("{\"type\":\"ping\",\"address\":5,\"headers\":7}");
    assertEquals(new ClientFrame(FrameType.PING, null, null, new JsonObject(), null), f);
  }

  static Stream<Arguments> ids() {
    return Stream.of(
      Arguments.of("\"req-1\"", "req-1"),
      Arguments.of("\"\"", ""),
      Arguments.of("7", 7),
      Arguments.of("0", 0),
      Arguments.of("12345678901", 12345678901L),
      Arguments.of("2.5", 2.5d));
  }

  @ParameterizedTest(name = "[{index}] id {0}")
  @MethodSource("ids")
  void decodesOptionalIdOnEveryType(String idJson, Object expected) throws Exception {
    assertEquals(expected, decode("{\"type\":\"ping\",\"id\":" + idJson + "}").id());
    assertEquals(expected, decode("{\"type\":\"register\",\"address\":\"a\",\"id\":" + idJson + "}").id());
    assertEquals(expected, decode("{\"type\":\"unregister\",\"address\":\"a\",\"id\":" + idJson + "}").id());
    assertEquals(expected, decode("{\"type\":\"publish\",\"address\":\"a\",\"body\":1,\"id\":" + idJson + "}").id());
  }

  @Test
  void nullIdIsAbsent() throws Exception {
    assertNull(decode("{\"type\":\"ping\",\"id\":null}").id());
  }

  // ---------------------------------------------------------------- decode: malformed frames

  static Stream<Arguments> malformed() {
    return Stream.of(
      // not JSON
      Arguments.of("{", ErrorCode.INVALID_JSON, null, null),
      Arguments.of("abc", ErrorCode.INVALID_JSON, null, null),
      Arguments.of("", ErrorCode.INVALID_JSON, null, null),
      Arguments.of("{\"type\":\"ping\"", ErrorCode.INVALID_JSON, null, null),
      Arguments.of("{'type':'ping'}", ErrorCode.INVALID_JSON, null, null),
      Arguments.of("{\"type\":\"ping\"}x", ErrorCode.INVALID_JSON, null, null),
      Arguments.of("{\"type\":\"ping\"} {}", ErrorCode.INVALID_JSON, null, null),
      Arguments.of("   ", ErrorCode.INVALID_JSON, null, null),
      // JSON that is not an object
      Arguments.of("[]", ErrorCode.INVALID_JSON, null, null),
      Arguments.of("[{\"type\":\"ping\"}]", ErrorCode.INVALID_JSON, null, null),
      Arguments.of("\"x\"", ErrorCode.INVALID_JSON, null, null),
      Arguments.of("1", ErrorCode.INVALID_JSON, null, null),
      Arguments.of("true", ErrorCode.INVALID_JSON, null, null),
      Arguments.of("null", ErrorCode.INVALID_JSON, null, null),
      // missing type
      Arguments.of("{}", ErrorCode.MISSING_TYPE, null, null),
      Arguments.of("{\"address\":\"a\"}", ErrorCode.MISSING_TYPE, null, null),
      Arguments.of("{\"type\":null,\"address\":\"a\"}", ErrorCode.MISSING_TYPE, null, null),
      Arguments.of("{\"address\":\"a\",\"id\":\"r1\"}", ErrorCode.MISSING_TYPE, null, "r1"),
      // type not a string
      Arguments.of("{\"type\":1,\"address\":\"a\"}", ErrorCode.INVALID_TYPE, null, null),
      Arguments.of("{\"type\":true}", ErrorCode.INVALID_TYPE, null, null),
      Arguments.of("{\"type\":{},\"id\":3}", ErrorCode.INVALID_TYPE, null, 3),
      Arguments.of("{\"type\":[\"ping\"]}", ErrorCode.INVALID_TYPE, null, null),
      // unknown type
      Arguments.of("{\"type\":\"request\",\"address\":\"a\"}", ErrorCode.INVALID_TYPE, null, null),
      Arguments.of("{\"type\":\"PING\"}", ErrorCode.INVALID_TYPE, null, null),
      Arguments.of("{\"type\":\"\"}", ErrorCode.INVALID_TYPE, null, null),
      Arguments.of("{\"type\":\"rec\",\"id\":\"r2\"}", ErrorCode.INVALID_TYPE, null, "r2"),
      // missing address
      Arguments.of("{\"type\":\"register\"}", ErrorCode.MISSING_ADDRESS, null, null),
      Arguments.of("{\"type\":\"unregister\"}", ErrorCode.MISSING_ADDRESS, null, null),
      Arguments.of("{\"type\":\"publish\",\"body\":1}", ErrorCode.MISSING_ADDRESS, null, null),
      Arguments.of("{\"type\":\"publish\",\"address\":null,\"id\":9}", ErrorCode.MISSING_ADDRESS, null, 9),
      // address not a string
      Arguments.of("{\"type\":\"register\",\"address\":1}", ErrorCode.INVALID_FRAME, null, null),
      Arguments.of("{\"type\":\"publish\",\"address\":{},\"id\":\"r3\"}", ErrorCode.INVALID_FRAME, null, "r3"),
      Arguments.of("{\"type\":\"unregister\",\"address\":[\"a\"]}", ErrorCode.INVALID_FRAME, null, null),
      Arguments.of("{\"type\":\"register\",\"address\":true}", ErrorCode.INVALID_FRAME, null, null),
      // headers not an object
      Arguments.of("{\"type\":\"register\",\"address\":\"a\",\"headers\":\"h\"}", ErrorCode.INVALID_FRAME, "a", null),
      Arguments.of("{\"type\":\"publish\",\"address\":\"b\",\"headers\":[],\"id\":\"r4\"}",
        ErrorCode.INVALID_FRAME, "b", "r4"),
      Arguments.of("{\"type\":\"register\",\"address\":\"a\",\"headers\":1}", ErrorCode.INVALID_FRAME, "a", null),
      // header value not a string
      Arguments.of("{\"type\":\"register\",\"address\":\"a\",\"headers\":{\"k\":1}}", ErrorCode.INVALID_FRAME, "a", null),
      Arguments.of("{\"type\":\"publish\",\"address\":\"c\",\"headers\":{\"k\":\"v\",\"n\":null},\"id\":5}",
        ErrorCode.INVALID_FRAME, "c", 5),
      Arguments.of("{\"type\":\"register\",\"address\":\"a\",\"headers\":{\"k\":{}}}", ErrorCode.INVALID_FRAME, "a", null),
      Arguments.of("{\"type\":\"register\",\"address\":\"a\",\"headers\":{\"k\":[\"v\"]}}",
        ErrorCode.INVALID_FRAME, "a", null),
      Arguments.of("{\"type\":\"register\",\"address\":\"a\",\"headers\":{\"k\":true}}", ErrorCode.INVALID_FRAME, "a", null),
      // id of a bad type (checked first: neither address nor id is reported)
      Arguments.of("{\"type\":\"ping\",\"id\":true}", ErrorCode.INVALID_FRAME, null, null),
      Arguments.of("{\"type\":\"register\",\"address\":\"a\",\"id\":{}}", ErrorCode.INVALID_FRAME, null, null),
      Arguments.of("{\"type\":\"publish\",\"address\":\"a\",\"id\":[1]}", ErrorCode.INVALID_FRAME, null, null),
      Arguments.of("{\"id\":false}", ErrorCode.INVALID_FRAME, null, null),
      // refresh without a usable token: invalid_token (the connection keeps its token)
      Arguments.of("{\"type\":\"refresh\",\"id\":\"t1\"}", ErrorCode.INVALID_TOKEN, null, "t1"),
      Arguments.of("{\"type\":\"refresh\",\"token\":null}", ErrorCode.INVALID_TOKEN, null, null),
      Arguments.of("{\"type\":\"refresh\",\"token\":\"\",\"id\":2}", ErrorCode.INVALID_TOKEN, null, 2),
      Arguments.of("{\"type\":\"refresh\",\"token\":42}", ErrorCode.INVALID_TOKEN, null, null),
      Arguments.of("{\"type\":\"refresh\",\"token\":{\"a\":1}}", ErrorCode.INVALID_TOKEN, null, null));
  }

  @Test
  void refreshCarriesItsTokenAsBodyAndNeedsNoAddress() throws Exception {
    assertEquals(new ClientFrame(FrameType.REFRESH, null, "a.b.c", new JsonObject(), "t9"),
      decode("{\"type\":\"refresh\",\"token\":\"a.b.c\",\"id\":\"t9\",\"address\":7}"));
    assertEquals("invalid_token", ErrorCode.INVALID_TOKEN.code());
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @MethodSource("malformed")
  void rejectsMalformedFrames(String input, ErrorCode code, String address, Object id) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> decode(input));
    assertEquals(code, e.code());
    assertEquals(address, e.address());
    assertEquals(id, e.id());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "abc", "", "[]", "\"x\"", "1", "null"})
  void invalidJsonWireCode(String input) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> decode(input));
    assertEquals("invalid_json", e.code().code());
  }

  static Stream<Arguments> wireCodes() {
    return Stream.of(
      Arguments.of("{}", "missing_type"),
      Arguments.of("{\"type\":\"nope\"}", "invalid_type"),
      Arguments.of("{\"type\":\"register\"}", "missing_address"),
      Arguments.of("{\"type\":\"register\",\"address\":1}", "invalid_frame"));
  }

  @ParameterizedTest
  @MethodSource("wireCodes")
  void errorCodesHaveTheirWireNames(String input, String wire) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> decode(input));
    assertEquals(wire, e.code().code());
  }

  // ---------------------------------------------------------------- encode

  @Test
  void encodeRecWithoutHeadersOmitsHeadersKey() {
    byte[] bytes = FrameCodec.encodeRec("chat.room1", new JsonObject().put("text", "hi"), MultiMap.caseInsensitiveMultiMap());
    JsonObject frame = parse(bytes);
    assertEquals(new JsonObject().put("type", "rec").put("address", "chat.room1")
      .put("body", new JsonObject().put("text", "hi")), frame);
    assertFalse(frame.containsKey("headers"));
    assertEquals("{\"type\":\"rec\",\"address\":\"chat.room1\",\"body\":{\"text\":\"hi\"}}", text(bytes));
  }

  @Test
  void encodeRecWithNullHeadersOmitsHeadersKey() {
    JsonObject frame = parse(FrameCodec.encodeRec("a", "x", null));
    assertEquals(new JsonObject().put("type", "rec").put("address", "a").put("body", "x"), frame);
    assertFalse(frame.containsKey("headers"));
  }

  @Test
  void encodeRecWithHeaders() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("k", "v").add("trace", "abc");
    JsonObject frame = parse(FrameCodec.encodeRec("chat.room1", 42, headers));
    assertEquals(new JsonObject().put("type", "rec").put("address", "chat.room1").put("body", 42)
      .put("headers", new JsonObject().put("k", "v").put("trace", "abc")), frame);
  }

  @Test
  void encodeRecWithNullBodyKeepsBodyKey() {
    byte[] bytes = FrameCodec.encodeRec("a", null, null);
    JsonObject frame = parse(bytes);
    assertTrue(frame.containsKey("body"));
    assertNull(frame.getValue("body"));
    assertEquals("{\"type\":\"rec\",\"address\":\"a\",\"body\":null}", text(bytes));
  }

  static Stream<Arguments> recBodies() {
    return Stream.of(
      Arguments.of(new JsonObject().put("a", 1), new JsonObject().put("a", 1)),
      Arguments.of(new JsonArray().add(1).add("x"), new JsonArray().add(1).add("x")),
      Arguments.of("text", "text"),
      Arguments.of(7, 7),
      Arguments.of(2.5d, 2.5d),
      Arguments.of(true, true),
      Arguments.of(false, false),
      Arguments.of(Buffer.buffer(new byte[]{0, 1, 2, (byte) 0xff}), "AAEC/w=="),
      Arguments.of(Buffer.buffer("hello"), Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8))),
      Arguments.of(Buffer.buffer(), ""),
      Arguments.of(new byte[]{(byte) 0xfb, (byte) 0xff}, "+/8="));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("recBodies")
  void encodeRecBodies(Object body, Object expectedJsonBody) {
    JsonObject frame = parse(FrameCodec.encodeRec("a", body, null));
    assertEquals(new JsonObject().put("type", "rec").put("address", "a").put("body", expectedJsonBody), frame);
  }

  @Test
  void encodeRecBufferBodyExactBytes() {
    byte[] bytes = FrameCodec.encodeRec("bin", Buffer.buffer("hi"), null);
    assertEquals("{\"type\":\"rec\",\"address\":\"bin\",\"body\":\"aGk=\"}", text(bytes));
  }

  static Stream<Arguments> errFrames() {
    return Stream.of(
      Arguments.of(ErrorCode.ACCESS_DENIED, null, null, null,
        "{\"type\":\"err\",\"body\":\"access_denied\"}"),
      Arguments.of(ErrorCode.ACCESS_DENIED, "chat.x", null, null,
        "{\"type\":\"err\",\"body\":\"access_denied\",\"address\":\"chat.x\"}"),
      Arguments.of(ErrorCode.INVALID_JSON, null, "malformed JSON", null,
        "{\"type\":\"err\",\"body\":\"invalid_json\",\"message\":\"malformed JSON\"}"),
      Arguments.of(ErrorCode.RATE_LIMITED, null, null, "r1",
        "{\"type\":\"err\",\"body\":\"rate_limited\",\"id\":\"r1\"}"),
      Arguments.of(ErrorCode.MAX_HANDLERS_REACHED, "a.b", "too many", 17,
        "{\"type\":\"err\",\"body\":\"max_handlers_reached\",\"address\":\"a.b\",\"message\":\"too many\",\"id\":17}"),
      Arguments.of(ErrorCode.INTERNAL_ERROR, "q", "say \"hi\"", 2.5d,
        "{\"type\":\"err\",\"body\":\"internal_error\",\"address\":\"q\",\"message\":\"say \\\"hi\\\"\",\"id\":2.5}"));
  }

  @ParameterizedTest(name = "[{index}] {4}")
  @MethodSource("errFrames")
  void encodeErr(ErrorCode code, String address, String message, Object id, String expected) {
    byte[] bytes = FrameCodec.encodeErr(code, address, message, id);
    assertEquals(expected, text(bytes));
    assertEquals(new JsonObject(expected), parse(bytes));
  }

  @Test
  void encodeErrOmitsAbsentKeys() {
    JsonObject frame = parse(FrameCodec.encodeErr(ErrorCode.FRAME_TOO_LARGE, null, null, null));
    assertEquals(new JsonObject().put("type", "err").put("body", "frame_too_large"), frame);
    assertFalse(frame.containsKey("address"));
    assertFalse(frame.containsKey("message"));
    assertFalse(frame.containsKey("id"));
  }

  static Stream<Arguments> ackFrames() {
    return Stream.of(
      Arguments.of("r1", "chat.room1", "{\"type\":\"ack\",\"id\":\"r1\",\"address\":\"chat.room1\"}"),
      Arguments.of(5, null, "{\"type\":\"ack\",\"id\":5}"),
      Arguments.of("x", null, "{\"type\":\"ack\",\"id\":\"x\"}"));
  }

  @ParameterizedTest(name = "[{index}] {2}")
  @MethodSource("ackFrames")
  void encodeAck(Object id, String address, String expected) {
    byte[] bytes = FrameCodec.encodeAck(id, address);
    assertEquals(expected, text(bytes));
    assertEquals(new JsonObject(expected), parse(bytes));
  }

  @Test
  void pongBytes() {
    assertArrayEquals("{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8), FrameCodec.PONG);
    assertEquals(new JsonObject().put("type", "pong"), parse(FrameCodec.PONG));
  }

  // ---------------------------------------------------------------- ChannelNames

  @ParameterizedTest
  @ValueSource(strings = {"a", "chat.room1", "Z", "0", "user.alice@example.com", "a-b_c:d/e@f=g+h,i~j",
    "ABCxyz0123456789", "__vertx", "_vertx.x", "__VERTX.x", "x.__vertx.y", ".", "~"})
  void validChannelNames(String name) {
    assertNull(ChannelNames.check(name, ChannelNames.DEFAULT_MAX_LENGTH));
  }

  @Test
  void nameOfExactlyMaxLengthIsValid() {
    assertNull(ChannelNames.check("a".repeat(255), 255));
    assertNull(ChannelNames.check("abcde", 5));
  }

  static Stream<Arguments> badNames() {
    return Stream.of(
      Arguments.of("", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of("a".repeat(256), 255, ErrorCode.MAX_ADDRESS_LENGTH_REACHED),
      Arguments.of("abcdef", 5, ErrorCode.MAX_ADDRESS_LENGTH_REACHED),
      Arguments.of("a b", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of(" a", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of("a ", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of("chat.*", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of("*", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of("chat#1", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of("caf\u00e9", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of("\u00fcber", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of("emoji\uD83D\uDE00", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of("tab\t", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of("new\nline", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of("q?x", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of("a\"b", 255, ErrorCode.INVALID_ADDRESS),
      Arguments.of("__vertx.x", 255, ErrorCode.ACCESS_DENIED),
      Arguments.of("__vertx.", 255, ErrorCode.ACCESS_DENIED),
      Arguments.of("__vertx.reply.123", 255, ErrorCode.ACCESS_DENIED),
      // the length check comes before the character check
      Arguments.of("*".repeat(6), 5, ErrorCode.MAX_ADDRESS_LENGTH_REACHED),
      // a bad character wins over the internal prefix
      Arguments.of("__vertx.a b", 255, ErrorCode.INVALID_ADDRESS));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" (max {1}) -> {2}")
  @MethodSource("badNames")
  void invalidChannelNames(String name, int max, ErrorCode expected) {
    assertEquals(expected, ChannelNames.check(name, max));
  }

  @Test
  void isInternal() {
    assertTrue(ChannelNames.isInternal("__vertx.x"));
    assertFalse(ChannelNames.isInternal("__vertx"));
    assertFalse(ChannelNames.isInternal("chat.__vertx.x"));
  }

  @Test
  void sendCarriesItsBodyAndAReplyAddressOfAtMost36Characters() throws Exception {
    ClientFrame f = decode("{\"type\":\"send\",\"address\":\"svc\",\"body\":{\"q\":1},\"replyAddress\":\"r1\"}");
    assertEquals(new ClientFrame(FrameType.SEND, "svc", new JsonObject().put("q", 1), new JsonObject(), null, "r1"), f);
    assertEquals(null, decode("{\"type\":\"send\",\"address\":\"svc\",\"body\":1}").replyAddress());
    for (String bad : new String[] {"\"\"", "5", "\"" + "r".repeat(37) + "\""}) {
      ProtocolException e = assertThrows(ProtocolException.class,
        () -> decode("{\"type\":\"send\",\"address\":\"svc\",\"replyAddress\":" + bad + ",\"id\":3}"));
      assertEquals(ErrorCode.INVALID_FRAME, e.code());
      assertEquals(3, e.id());
    }
    assertEquals(new JsonObject().put("type", "err").put("address", "r1").put("failureCode", 42)
      .put("failureType", "RECIPIENT_FAILURE").put("message", "no"),
      new JsonObject(Buffer.buffer(FrameCodec.encodeReplyFailure("r1", 42, "RECIPIENT_FAILURE", "no"))));
  }
}
