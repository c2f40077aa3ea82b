package io.pubsubgateway.channel;

/**
 * What a channel namespace offers beyond publish/subscribe (the rule's {@code presence},
 * {@code joinLeave}, {@code history.size}, {@code history.ttl} and {@code recovery}); all off by
 * default.
 *
 * @param namespace         index of the rule in {@code channels}: names the namespace's history
 *                          storage, so nodes must share the same rules
 * @param historySize       messages kept per channel; 0 = no history
 * @param historyTtlSeconds how long a message stays in history
 * @param recovery          whether subscribers may ask for missed messages ({@code since.offset})
 */
public record ChannelOptions(int namespace, boolean presence, boolean joinLeave, int historySize,
                             int historyTtlSeconds, boolean recovery) {
  /** Channels that no rule matches, and rules that enable nothing. */
  public static final ChannelOptions NONE = new ChannelOptions(-1, false, false, 0, 0, false);

  public boolean history() {
    return historySize > 0;
  }
}
