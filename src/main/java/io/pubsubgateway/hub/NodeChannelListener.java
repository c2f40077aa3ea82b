package io.pubsubgateway.hub;

/**
 * Hears when this node starts and stops holding a channel: its first local subscriber arrived (the
 * hub makes the node's one cluster subscription), its last one left (the hub releases it). For one
 * channel the calls alternate, starting with {@link #nodeSubscribed}, and come from the channel's
 * owner event loop; calls for different channels may come from different loops at once.
 * Implementations must be thread-safe and must return at once (never block the loop).
 */
public interface NodeChannelListener {
  /** Listens to nothing. */
  NodeChannelListener NONE = new NodeChannelListener() {
    @Override
    public void nodeSubscribed(String channel) {
    }

    @Override
    public void nodeUnsubscribed(String channel) {
    }
  };

  /** The first local subscriber of {@code channel} arrived. */
  void nodeSubscribed(String channel);

  /** The last local subscriber of {@code channel} left (or the node dropped the channel to resync it). */
  void nodeUnsubscribed(String channel);
}
