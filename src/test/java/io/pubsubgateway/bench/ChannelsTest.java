package io.pubsubgateway.bench;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChannelsTest {
  @ParameterizedTest(name = "{0} messages, {1} subscribers, {2} channels -> {3}")
  @CsvSource({"10,5,1,50", "10,10,5,20", "7,3,2,11", "100,1000,100,1000", "3,2,5,2"})
  void expectedDeliveriesCountEachSubscriberOnlyForItsChannel(long messages, int subscribers, int channels, long expected) {
    assertEquals(expected, Channels.expectedDeliveries(messages, subscribers, channels));
    // brute force: subscriber i on channel i % C receives message k when k % C == i % C
    long brute = 0;
    for (int i = 0; i < subscribers; i++) {
      for (long k = 0; k < messages; k++) {
        if (channels <= 1 || k % channels == i % channels) {
          brute++;
        }
      }
    }
    assertEquals(brute, expected);
  }
}
