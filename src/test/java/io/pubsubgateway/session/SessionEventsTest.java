package io.pubsubgateway.session;

import io.pubsubgateway.events.EventSink;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a session reports: unsubscribes only of reported subscribes, the open ones before the disconnect. */
class SessionEventsTest {
  private final List<String> reported = new ArrayList<>();

  private final EventSink sink = new EventSink() {
    @Override
    public boolean enabled() {
      return true;
    }

    @Override
    public void connected(String user, String client) {
      reported.add("connect " + user + " " + client);
    }

    @Override
    public void disconnected(String user, String client, int code, String reason) {
      reported.add("disconnect " + user + " " + client + " " + code + " " + reason);
    }

    @Override
    public void subscribed(String user, String client, String channel) {
      reported.add("subscribe " + channel);
    }

    @Override
    public void unsubscribed(String user, String client, String channel) {
      reported.add("unsubscribe " + channel);
    }
  };

  @Test
  void aSessionsLife() {
    SessionEvents events = new SessionEvents(sink, "alice", "c1");
    events.connected();
    events.subscribed("a");
    events.subscribed("a"); // a second ack of the same subscription
    events.unsubscribed("never-subscribed");
    events.subscribed("b");
    events.unsubscribed("a");
    events.unsubscribed("a");
    events.disconnected(1000, "bye");
    events.unsubscribed("b"); // released after the close: already reported
    assertEquals(List.of("connect alice c1", "subscribe a", "subscribe b", "unsubscribe a", "unsubscribe b",
      "disconnect alice c1 1000 bye"), reported);
  }

  @Test
  void nothingWhenEventsAreOff() {
    SessionEvents events = new SessionEvents(EventSink.NONE, "alice", "c1");
    events.connected();
    events.subscribed("a");
    events.unsubscribed("a");
    events.disconnected(1006, null);
    assertEquals(List.of(), reported);
  }
}
