package io.pubsubgateway.auth;

import io.pubsubgateway.channel.ChannelPattern;
import io.pubsubgateway.config.JwtConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JwtTokenVerifierTest {
  private static final String SECRET = "s3cr3t-for-unit-tests-0123456789abcdefgh";
  private static final String OTHER_SECRET = "another-secret-for-tests-9876543210zyxwv";
  private static final String ISSUER = "test-issuer";
  private static final String AUDIENCE = "test-aud";
  private static final JwtConfig HS256 = new JwtConfig("HS256", SECRET, null, ISSUER, AUDIENCE, 0);

  private static Vertx vertx;
  private static JwtTokenVerifier verifier;
  private static TokenMinter minter;

  private static String publicPem;
  private static String privatePem;
  private static JwtConfig es256;
  private static JwtTokenVerifier esVerifier;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    verifier = new JwtTokenVerifier(vertx, HS256);
    minter = new TokenMinter(vertx, HS256, null);

    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = gen.generateKeyPair();
    publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
    privatePem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    es256 = new JwtConfig("ES256", null, publicPem, null, null, 0);
    esVerifier = new JwtTokenVerifier(vertx, es256);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  // ---------------------------------------------------------------- helpers

  private static String pem(String type, byte[] der) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
  }

  private static String b64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String b64url(JsonObject json) {
    return b64url(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static String hmac(String secret, String signingInput) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return b64url(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  /** A token with the given header and payload, HMAC-SHA256-signed with {@code secret}. */
  private static String token(JsonObject header, JsonObject payload, String secret) throws Exception {
    String input = b64url(header) + "." + b64url(payload);
    return input + "." + hmac(secret, input);
  }

  private static String hs256(JsonObject payload) throws Exception {
    return token(new JsonObject().put("alg", "HS256").put("typ", "JWT"), payload, SECRET);
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** Claims the HS256 verifier accepts. */
  private static JsonObject validClaims() {
    return new JsonObject().put("sub", "bob").put("iss", ISSUER).put("aud", AUDIENCE)
      .put("iat", now() - 10).put("exp", now() + 3600);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static AuthException failure(Future<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class,
      () -> future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
    return assertInstanceOf(AuthException.class, e.getCause());
  }

  private static AuthException rejected(JwtTokenVerifier v, String token) {
    AuthException e = failure(v.verify(token));
    if (token != null && !token.isEmpty()) {
      assertFalse(e.getMessage().contains(token), "the message must not contain the token: " + e.getMessage());
    }
    return e;
  }

  private static List<String> strings(List<ChannelPattern> patterns) {
    return patterns.stream().map(ChannelPattern::toString).toList();
  }

  private static JsonObject payloadOf(String token) {
    String[] parts = token.split("\\.");
    return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- valid tokens

  @Test
  void mintedTokenGivesPrincipal() throws Exception {
    String token = minter.mint("alice", List.of("chat.*", "user.alice"), List.of("chat.room1"), 600);
    Principal p = await(verifier.verify(token));
    assertEquals("alice", p.user());
    assertFalse(p.anonymous());
    assertEquals(List.of("chat.*", "user.alice"), strings(p.subscribe()));
    assertEquals(List.of("chat.room1"), strings(p.publish()));
    assertTrue(ChannelPattern.anyMatches(p.subscribe(), "chat.room9"));
    assertTrue(ChannelPattern.anyMatches(p.subscribe(), "user.alice"));
    assertFalse(ChannelPattern.anyMatches(p.subscribe(), "user.bob"));
    assertTrue(ChannelPattern.anyMatches(p.publish(), "chat.room1"));
    assertFalse(ChannelPattern.anyMatches(p.publish(), "chat.room2"));

    JsonObject claims = payloadOf(token);
    assertEquals(ISSUER, claims.getString("iss"));
    assertEquals(claims.getLong("exp") * 1000L, p.expiresAtMs());
    assertEquals(claims.getLong("iat") + 600, claims.getLong("exp"));
  }

  @Test
  void mintedTokenWithoutTtlOrClaims() throws Exception {
    String token = minter.mint("carol", List.of(), List.of(), 0);
    assertFalse(payloadOf(token).containsKey("exp"));
    Principal p = await(verifier.verify(token));
    assertEquals("carol", p.user());
    assertEquals(List.of(), p.subscribe());
    assertEquals(List.of(), p.publish());
    assertEquals(0L, p.expiresAtMs());
  }

  @Test
  void handCraftedTokenIsAccepted() throws Exception {
    JsonObject claims = validClaims().put("subscribe", new JsonArray().add("a.*")).put("publish", new JsonArray());
    Principal p = await(verifier.verify(hs256(claims)));
    assertEquals("bob", p.user());
    assertEquals(List.of("a.*"), strings(p.subscribe()));
    assertEquals(List.of(), p.publish());
    assertEquals(claims.getLong("exp") * 1000L, p.expiresAtMs());
  }

  @Test
  void audienceAsArrayContainingTheAudienceIsAccepted() throws Exception {
    JsonObject claims = validClaims().put("aud", new JsonArray().add("other").add(AUDIENCE));
    assertEquals("bob", await(verifier.verify(hs256(claims))).user());
  }

  @Test
  void singleStringClaimBecomesOnePattern() throws Exception {
    Principal p = await(verifier.verify(hs256(validClaims().put("subscribe", "chat.*").put("publish", "x"))));
    assertEquals(List.of("chat.*"), strings(p.subscribe()));
    assertEquals(List.of("x"), strings(p.publish()));
    assertTrue(ChannelPattern.anyMatches(p.subscribe(), "chat.a"));
  }

  // ---------------------------------------------------------------- rejections

  @ParameterizedTest
  @NullAndEmptySource
  void missingToken(String token) {
    assertEquals("missing token", rejected(verifier, token).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "a.b", "a.b.c.d", "....", "abc."})
  void malformedTokenShape(String token) {
    assertEquals("malformed token", rejected(verifier, token).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.b.c", "..", "!!!.???.###", "eyJhbGciOiJIUzI1NiJ9.e30."})
  void garbageWithTwoDotsIsRejected(String token) {
    assertTrue(rejected(verifier, token).getMessage().startsWith("invalid token"));
  }

  static Stream<Arguments> badClaims() {
    long now = now();
    return Stream.of(
      Arguments.of("expired", validClaims().put("exp", now - 3600)),
      Arguments.of("expired one minute ago", validClaims().put("exp", now - 60)),
      Arguments.of("not before in the future", validClaims().put("nbf", now + 3600)),
      Arguments.of("issued in the future", validClaims().put("iat", now + 3600)),
      Arguments.of("wrong issuer", validClaims().put("iss", "someone-else")),
      Arguments.of("missing issuer", removed(validClaims(), "iss")),
      Arguments.of("wrong audience", validClaims().put("aud", "other-aud")),
      Arguments.of("wrong audience list", validClaims().put("aud", new JsonArray().add("x").add("y"))),
      Arguments.of("missing audience", removed(validClaims(), "aud")));
  }

  private static JsonObject removed(JsonObject json, String key) {
    json.remove(key);
    return json;
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("badClaims")
  void rejectsBadStandardClaims(String name, JsonObject claims) throws Exception {
    AuthException e = rejected(verifier, hs256(claims));
    assertTrue(e.getMessage().startsWith("invalid token: "), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"missing", "empty", "number"})
  void rejectsMissingOrBadSub(String kind) throws Exception {
    JsonObject claims = validClaims();
    switch (kind) {
      case "missing" -> claims.remove("sub");
      case "empty" -> claims.put("sub", "");
      default -> claims.put("sub", 42);
    }
    assertEquals("invalid token: missing sub claim", rejected(verifier, hs256(claims)).getMessage());
  }

  @Test
  void mintedTokenForEmptyUserIsRejected() {
    String token = minter.mint("", List.of("a"), List.of(), 60);
    assertEquals("invalid token: missing sub claim", rejected(verifier, token).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"subscribe", "publish"})
  void rejectsClaimListWithNonStringElement(String claim) throws Exception {
    JsonObject claims = validClaims().put(claim, new JsonArray().add("chat.*").add(1));
    assertEquals("invalid token: " + claim + " claim must hold strings",
      rejected(verifier, hs256(claims)).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"subscribe", "publish"})
  void rejectsClaimOfWrongType(String claim) throws Exception {
    JsonObject claims = validClaims().put(claim, new JsonObject().put("a", "b"));
    assertEquals("invalid token: " + claim + " claim must be a list of patterns",
      rejected(verifier, hs256(claims)).getMessage());
    JsonObject numeric = validClaims().put(claim, 5);
    assertEquals("invalid token: " + claim + " claim must be a list of patterns",
      rejected(verifier, hs256(numeric)).getMessage());
  }

  @Test
  void rejectsBadSignature() throws Exception {
    String token = token(new JsonObject().put("alg", "HS256").put("typ", "JWT"), validClaims(), OTHER_SECRET);
    assertTrue(rejected(verifier, token).getMessage().startsWith("invalid token: "));
  }

  @Test
  void rejectsTamperedPayload() throws Exception {
    String good = hs256(validClaims());
    String[] parts = good.split("\\.");
    String tampered = parts[0] + "." + b64url(validClaims().put("sub", "mallory")) + "." + parts[2];
    assertTrue(rejected(verifier, tampered).getMessage().startsWith("invalid token: "));
  }

  @Test
  void rejectsAlgNone() {
    String token = b64url(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + b64url(validClaims()) + ".";
    assertTrue(rejected(verifier, token).getMessage().startsWith("invalid token: "));
  }

  @Test
  void rejectsAlgNoneWithAValidHmacSignature() throws Exception {
    String token = token(new JsonObject().put("alg", "none").put("typ", "JWT"), validClaims(), SECRET);
    assertTrue(rejected(verifier, token).getMessage().startsWith("invalid token: "));
  }

  @Test
  void rejectsRs256Header() throws Exception {
    String token = token(new JsonObject().put("alg", "RS256").put("typ", "JWT"), validClaims(), SECRET);
    assertTrue(rejected(verifier, token).getMessage().startsWith("invalid token: "));
  }

  @Test
  void rejectsHeaderWithoutAlg() throws Exception {
    String token = token(new JsonObject().put("typ", "JWT"), validClaims(), SECRET);
    assertTrue(rejected(verifier, token).getMessage().startsWith("invalid token: "));
  }

  // ---------------------------------------------------------------- ES256

  @Test
  void pemFormat() {
    String[] lines = publicPem.split("\n");
    assertEquals("-----BEGIN PUBLIC KEY-----", lines[0]);
    assertEquals("-----END PUBLIC KEY-----", lines[lines.length - 1]);
    for (int i = 1; i < lines.length - 1; i++) {
      assertTrue(lines[i].length() <= 64);
    }
    assertTrue(privatePem.startsWith("-----BEGIN PRIVATE KEY-----\n"));
  }

  @Test
  void es256TokenIsVerified() throws Exception {
    TokenMinter esMinter = new TokenMinter(vertx, es256, privatePem);
    String token = esMinter.mint("dave", List.of("a.*"), List.of("b"), 300);
    JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]),
      StandardCharsets.UTF_8));
    assertEquals("ES256", header.getString("alg"));
    Principal p = await(esVerifier.verify(token));
    assertEquals("dave", p.user());
    assertEquals(List.of("a.*"), strings(p.subscribe()));
    assertEquals(List.of("b"), strings(p.publish()));
    assertEquals(payloadOf(token).getLong("exp") * 1000L, p.expiresAtMs());
  }

  @Test
  void es256MinterNeedsPrivateKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TokenMinter(vertx, es256, null));
    assertEquals("ES256 tokens need a PEM private key (--private-key)", e.getMessage());
  }

  @Test
  void es256VerifierRejectsHs256Token() {
    String token = minter.mint("alice", List.of("a"), List.of(), 60);
    assertTrue(rejected(esVerifier, token).getMessage().startsWith("invalid token: "));
  }

  @Test
  void es256VerifierRejectsHs256TokenSignedWithThePublicKey() throws Exception {
    JsonObject claims = new JsonObject().put("sub", "mallory").put("exp", now() + 600);
    String token = token(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims, publicPem);
    assertTrue(rejected(esVerifier, token).getMessage().startsWith("invalid token: "));
  }

  @Test
  void es256VerifierRejectsAlgNone() {
    JsonObject claims = new JsonObject().put("sub", "mallory").put("exp", now() + 600);
    String token = b64url(new JsonObject().put("alg", "none")) + "." + b64url(claims) + ".";
    assertTrue(rejected(esVerifier, token).getMessage().startsWith("invalid token: "));
  }

  @Test
  void hs256VerifierRejectsEs256Token() {
    TokenMinter esMinter = new TokenMinter(vertx, es256, privatePem);
    String token = esMinter.mint("dave", List.of(), List.of(), 300);
    assertTrue(rejected(verifier, token).getMessage().startsWith("invalid token: "));
  }

  @Test
  void es256TokenFromAnotherKeyIsRejected() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(256);
    KeyPair other = gen.generateKeyPair();
    TokenMinter otherMinter = new TokenMinter(vertx, es256, pem("PRIVATE KEY", other.getPrivate().getEncoded()));
    String token = otherMinter.mint("eve", List.of(), List.of(), 300);
    assertTrue(rejected(esVerifier, token).getMessage().startsWith("invalid token: "));
  }
}
