package io.pubsubgateway.channel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelPatternTest {

  @ParameterizedTest(name = "[{index}] ''{0}'' vs ''{1}'' -> {2}")
  @CsvSource(delimiter = '|', emptyValue = "", nullValues = {}, textBlock = """
    # exact patterns
    chat.room1  | chat.room1  | true
    chat.room1  | chat.room2  | false
    chat.room1  | chat.room10 | false
    chat.room1  | chat.room   | false
    chat.room1  | Chat.room1  | false
    chat.room1  | ''          | false
    ''          | ''          | true
    ''          | a           | false
    # trailing star
    chat.*      | chat.room1  | true
    chat.*      | chat.       | true
    chat.*      | chat        | false
    chat.*      | chatroom    | false
    chat.*      | chat.a.b    | true
    chat.*      | xchat.a     | false
    chat.*      | ''          | false
    # dots are literal, not regex wildcards
    a.b         | axb         | false
    a.*         | ab          | false
    # leading star
    *.room1     | chat.room1  | true
    *.room1     | .room1      | true
    *.room1     | room1       | false
    *.room1     | chat.room10 | false
    *.room1     | a.b.room1   | true
    *room       | room        | true
    *room       | broom       | true
    *room       | rooms       | false
    # middle stars
    a*b*c       | abc         | true
    a*b*c       | aXbYc       | true
    a*b*c       | aXXbYYc     | true
    a*b*c       | ac          | false
    a*b*c       | abbc        | true
    a*b*c       | acbc        | true
    a*b*c       | abcx        | false
    a*b*c       | xabc        | false
    a*b*c       | acb         | false
    a*b*c       | a.b.c       | true
    user.*.inbox | user.alice.inbox | true
    user.*.inbox | user..inbox | true
    user.*.inbox | user.inbox  | false
    user.*.inbox | user.a.b.inbox | true
    # star alone and double star
    *           | ''          | true
    *           | anything.at.all | true
    *           | *           | true
    **          | ''          | true
    **          | abc         | true
    a**b        | ab          | true
    a**b        | axyzb       | true
    a**b        | a           | false
    # overlapping parts: the prefix and suffix must not share characters
    a*a         | a           | false
    a*a         | aa          | true
    a*a         | aba         | true
    a*a         | ab          | false
    a*a         | aaa         | true
    ab*ba       | aba         | false
    ab*ba       | abba        | true
    ab*ba       | abxba       | true
    a*ab*b      | aab         | false
    a*ab*b      | aabb        | true
    a*b*b       | abb         | true
    a*b*b       | ab          | false
    *a*         | a           | true
    *a*         | bab         | true
    *a*         | bbb         | false
    *ab*ab*     | abab        | true
    *ab*ab*     | aba         | false
    *ab*ab*     | ababab      | true
    """)
  void matches(String pattern, String name, boolean expected) {
    assertEquals(expected, ChannelPattern.of(pattern).matches(name));
  }

  @Test
  void anyMatches() {
    List<ChannelPattern> patterns = ChannelPattern.all(List.of("chat.*", "user.alice", "*.news"));
    assertTrue(ChannelPattern.anyMatches(patterns, "chat.x"));
    assertTrue(ChannelPattern.anyMatches(patterns, "user.alice"));
    assertTrue(ChannelPattern.anyMatches(patterns, "sport.news"));
    assertFalse(ChannelPattern.anyMatches(patterns, "user.bob"));
    assertFalse(ChannelPattern.anyMatches(patterns, "chat"));
    assertFalse(ChannelPattern.anyMatches(List.of(), "chat.x"));
    assertTrue(ChannelPattern.anyMatches(List.of(ChannelPattern.of("*")), "x"));
  }

  @Test
  void allKeepsOrderAndIsImmutable() {
    List<ChannelPattern> patterns = ChannelPattern.all(List.of("b", "a*"));
    assertEquals(2, patterns.size());
    assertEquals("b", patterns.get(0).toString());
    assertEquals("a*", patterns.get(1).toString());
    assertThrows(UnsupportedOperationException.class, () -> patterns.add(ChannelPattern.of("c")));
  }

  @Test
  void toStringIsThePattern() {
    assertEquals("chat.*", ChannelPattern.of("chat.*").toString());
  }
}
