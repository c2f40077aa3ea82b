package io.pubsubgateway.hub;

import io.pubsubgateway.hub.HubFixture.Loop;
import io.pubsubgateway.hub.HubFixture.Recorder;
import io.pubsubgateway.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.pubsubgateway.hub.HubFixture.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One event loop's subscriptions: a subscriber counts once per channel, the loop attaches to the
 * node's hub with its first subscriber of a channel and detaches with its last, and a delivery is not
 * disturbed by subscribers that come and go while it runs.
 */
class LocalHubTest {
  private final HubFixture f = new HubFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void aSubscriberSubscribedTwiceCountsOnceAndOneUnsubscribeEndsIt() {
    Recorder a1 = f.recorder("a1", 1);
    f.subscribed("room.a", a1, a1);
    assertEquals(Map.of("room.a", 1), f.settled());
    f.unsubscribe("room.a", a1);
    assertEquals(Map.of(), f.settled());
    assertEquals(0, f.broker.subscriptions("room.a"));
    assertEquals(1, f.broker.subscribeCalls("room.a"));
  }

  @Test
  void unsubscribingWhatIsNotSubscribedChangesNothing() {
    Recorder a1 = f.recorder("a1", 1);
    f.subscribed("room.a", a1);
    f.unsubscribe("room.a", f.recorder("stranger", 1));
    f.unsubscribe("room.b", a1);
    f.unsubscribe("room.a", f.recorder("elsewhere", 2)); // loop 2 never attached: it must not detach loop 1
    assertEquals(Map.of("room.a", 1), f.settled());
    assertEquals(1, f.broker.subscriptions("room.a"));
    f.fence("end", Map.of("room.a", List.of(a1)));
    assertEquals(List.of(rec("room.a", "\"end\"")), a1.frames());
  }

  @Test
  void subscribersComingAndGoingDuringADeliveryDoNotDisturbItAndCountFromTheNextMessage() {
    Loop loop = f.loop(1);
    Recorder first = f.recorder("first", 1);
    Recorder second = f.recorder("second", 1);
    Recorder last = f.recorder("last", 1);
    Recorder newcomer = f.recorder("newcomer", 1);
    f.subscribed("room.a", first, second, last);
    first.onDeliver = () -> { // while m1 is being delivered on this loop, before the others got it
      loop.hub().unsubscribe("room.a", first);
      loop.hub().subscribe("room.a", newcomer);
    };
    Await.result(f.publisher.publish("room.a", "m1", null));
    f.fence("m2", Map.of("room.a", List.of(second, last, newcomer)));

    String m1 = rec("room.a", "\"m1\"");
    String m2 = rec("room.a", "\"m2\"");
    assertEquals(List.of(m1), first.frames());
    assertEquals(List.of(m1, m2), second.frames());
    assertEquals(List.of(m1, m2), last.frames());
    assertEquals(List.of(m2), newcomer.frames());
    assertEquals(Map.of("room.a", 3), f.settled());
    assertEquals(1, f.broker.subscribeCalls("room.a"));
  }

  @Test
  void aFrameASubscriberRefusesIsCountedAsDroppedAndTheOthersStillGetIt() {
    Recorder closing = f.recorder("closing", 1);
    Recorder open = f.recorder("open", 1);
    Recorder other = f.recorder("other", 2);
    closing.accept = false;
    f.subscribed("room.a", closing, open, other);
    f.fence("m1", Map.of("room.a", List.of(closing, open, other)));
    String m1 = rec("room.a", "\"m1\"");
    assertEquals(List.of(m1), open.frames());
    assertEquals(List.of(m1), other.frames());
    var registry = f.metrics.prometheusRegistry();
    assertEquals(2.0, registry.get("pubsub.gateway.messages.out").counter().count());
    assertEquals(2.0 * m1.length(), registry.get("pubsub.gateway.bytes.out").counter().count());
    assertEquals(1.0, registry.get("pubsub.gateway.messages.dropped").counter().count());
  }
}
