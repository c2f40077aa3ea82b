package io.pubsubgateway.hub;

/** A local receiver of channel messages (a connection's session). Called on its own event loop. */
public interface Subscriber {
  /**
   * Delivers an already encoded frame of {@code channel}; the array is shared with other subscribers
   * and must not change. {@code offset} is the message's offset on a channel with history, else 0.
   * Returns false when the frame was dropped (the connection is closing).
   */
  boolean deliver(String channel, byte[] frame, long offset);
}
