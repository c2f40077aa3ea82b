package io.pubsubgateway.session;

import io.pubsubgateway.events.EventSink;

import java.util.HashSet;
import java.util.Set;

/**
 * One session's reports to the node's {@link EventSink}: its connect, each subscription that was
 * registered and its end, and its disconnect. An unsubscribe is reported only for a subscription
 * whose subscribe was; the subscriptions still open at a disconnect are reported ended before it.
 *
 * <p>Threading: the session's event loop only.
 */
final class SessionEvents {
  private final EventSink sink;
  private final String user;
  private final String client;
  /** Channels whose subscribe was reported; null until the first one (or with events off). */
  private Set<String> reported;

  SessionEvents(EventSink sink, String user, String client) {
    this.sink = sink;
    this.user = user;
    this.client = client;
  }

  void connected() {
    if (sink.enabled()) {
      sink.connected(user, client);
    }
  }

  void subscribed(String channel) {
    if (sink.enabled()) {
      if (reported == null) {
        reported = new HashSet<>();
      }
      if (reported.add(channel)) {
        sink.subscribed(user, client, channel);
      }
    }
  }

  void unsubscribed(String channel) {
    if (reported != null && reported.remove(channel)) {
      sink.unsubscribed(user, client, channel);
    }
  }

  /** Reports the end of the subscriptions still open, then the disconnect. */
  void disconnected(int code, String reason) {
    if (!sink.enabled()) {
      return;
    }
    if (reported != null) {
      reported.forEach(channel -> sink.unsubscribed(user, client, channel));
      reported = null;
    }
    sink.disconnected(user, client, code, reason);
  }
}
