package io.pubsubgateway.hub;

/** A local receiver of channel messages (a connection's session). Called on its own event loop. */
public interface Subscriber {
  /**
   * Delivers an already encoded frame of {@code channel}; the array is shared with other subscribers
   * and must not change. {@code offset} and {@code epoch} are its stream position on a channel with history, else
   * 0 and null.
   * Returns false when the frame was dropped (the connection is closing).
   */
  boolean deliver(String channel, byte[] frame, long offset, String epoch);

  /**
   * The channel's stream lost its continuity on this node (see {@link StreamSequencer}): the
   * subscription is over; the client must subscribe again with recovery to learn what it missed.
   */
  void resync(String channel, String reason);
}
