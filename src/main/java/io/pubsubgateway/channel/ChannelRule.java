package io.pubsubgateway.channel;

/**
 * A channel namespace rule from {@code channels}: what clients may do on matching channels without
 * a token claim granting it, and what the namespace offers ({@link ChannelOptions}).
 */
public record ChannelRule(ChannelPattern pattern, Access subscribe, Access publish, ChannelOptions options) {
  /** A rule without presence, history or join/leave. */
  public ChannelRule(ChannelPattern pattern, Access subscribe, Access publish) {
    this(pattern, subscribe, publish, ChannelOptions.NONE);
  }
}
