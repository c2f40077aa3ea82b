package io.pubsubgateway.hub;

/** A local receiver of channel messages (a connection's session). Called on its own event loop. */
public interface Subscriber {
  /**
   * Sends an already encoded frame; the array is shared with other subscribers and must not change.
   * Returns false when the frame was dropped (the connection is closing).
   */
  boolean send(byte[] frame);
}
