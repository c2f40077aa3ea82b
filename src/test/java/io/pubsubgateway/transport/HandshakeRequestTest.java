package io.pubsubgateway.transport;

import io.vertx.core.MultiMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HandshakeRequestTest {

  private static MultiMap headers(String... nameValues) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValues.length; i += 2) {
      h.add(nameValues[i], nameValues[i + 1]);
    }
    return h;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
      // Authorization: Bearer, scheme case-insensitive, header name case-insensitive
      Arguments.of("Bearer header", headers("Authorization", "Bearer abc.def.ghi"), null, "abc.def.ghi"),
      Arguments.of("lower-case scheme", headers("Authorization", "bearer abc"), null, "abc"),
      Arguments.of("upper-case scheme", headers("Authorization", "BEARER abc"), null, "abc"),
      Arguments.of("mixed-case scheme", headers("Authorization", "bEaReR abc"), null, "abc"),
      Arguments.of("lower-case header name", headers("authorization", "Bearer abc"), null, "abc"),
      Arguments.of("surrounding blanks", headers("Authorization", "  Bearer   abc  "), null, "abc"),
      // query parameter
      Arguments.of("token query", headers(), "token=abc", "abc"),
      Arguments.of("token among others", headers(), "x=1&token=abc&y=2", "abc"),
      Arguments.of("first token wins", headers(), "token=first&token=second", "first"),
      Arguments.of("url-encoded", headers(), "token=a%2Bb%3Dc%2Fd%20e", "a+b=c/d e"),
      Arguments.of("url-encoded dots", headers(), "token=aa%2Ebb%2Ecc", "aa.bb.cc"),
      // header wins over the query
      Arguments.of("header wins", headers("Authorization", "Bearer fromheader"), "token=fromquery", "fromheader"),
      // other schemes are ignored, the query is used
      Arguments.of("Basic falls back to query", headers("Authorization", "Basic dXNlcjpwdw=="), "token=q", "q"),
      Arguments.of("Basic alone", headers("Authorization", "Basic dXNlcjpwdw=="), null, null),
      Arguments.of("Bearer without space", headers("Authorization", "Bearerabc"), null, null),
      // missing
      Arguments.of("nothing", headers(), null, null),
      Arguments.of("empty query", headers(), "", null),
      Arguments.of("other params", headers(), "x=1&y=2", null),
      Arguments.of("similar name", headers(), "tokens=abc&access_token=def", null),
      // empty
      Arguments.of("empty token param", headers(), "token=", null),
      Arguments.of("bare token param", headers(), "token", null),
      Arguments.of("empty header", headers("Authorization", ""), null, null),
      Arguments.of("blank bearer", headers("Authorization", "Bearer "), null, null),
      Arguments.of("blank bearer spaces", headers("Authorization", "Bearer    "), null, null),
      Arguments.of("empty header falls back to query", headers("Authorization", ""), "token=q", "q"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cases")
  void token(String name, MultiMap headers, String query, String expected) {
    assertEquals(expected, HandshakeRequest.token(headers, query));
  }
}
