package io.pubsubgateway.channel;

/**
 * A channel namespace rule from {@code channels}: what clients may do on matching channels without
 * a token claim granting it, what the namespace offers ({@link ChannelOptions}), and the backend
 * hooks asked before a subscription or a publish goes through (null when the rule has none).
 */
public record ChannelRule(ChannelPattern pattern, Access subscribe, Access publish, ChannelOptions options,
                          Hook subscribeHook, Hook publishHook) {
  /** A rule without presence, history or join/leave. */
  public ChannelRule(ChannelPattern pattern, Access subscribe, Access publish) {
    this(pattern, subscribe, publish, ChannelOptions.NONE);
  }

  /** A rule without hooks. */
  public ChannelRule(ChannelPattern pattern, Access subscribe, Access publish, ChannelOptions options) {
    this(pattern, subscribe, publish, options, null, null);
  }
}
