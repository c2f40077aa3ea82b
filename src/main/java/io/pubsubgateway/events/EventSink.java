package io.pubsubgateway.events;

/**
 * Where sessions report the life of their connections, for backends ({@code events.*}). Each call
 * returns at once: the event is handed to the event bus and to the webhook's bounded queue, never
 * waited for.
 *
 * <p>Threading: any thread (sessions call it from their event loops).
 */
public interface EventSink {
  /** Reports nothing (events off). */
  EventSink NONE = new EventSink() {
    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public void connected(String user, String client) {
    }

    @Override
    public void disconnected(String user, String client, int code, String reason) {
    }

    @Override
    public void subscribed(String user, String client, String channel) {
    }

    @Override
    public void unsubscribed(String user, String client, String channel) {
    }
  };

  /** False when events go nowhere: callers may skip preparing them. */
  boolean enabled();

  void connected(String user, String client);

  void disconnected(String user, String client, int code, String reason);

  void subscribed(String user, String client, String channel);

  void unsubscribed(String user, String client, String channel);
}
