package io.pubsubgateway.auth;

import io.pubsubgateway.channel.Access;
import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.channel.ChannelPattern;
import io.pubsubgateway.channel.ChannelRule;
import io.pubsubgateway.protocol.ChannelNames;

import java.util.List;

/**
 * Decides whether a principal may subscribe or publish to a channel. The first channel rule whose
 * pattern matches decides: {@code all} allows, {@code none} denies, {@code token} defers to the
 * token's claims. With no matching rule only a claim can allow (default deny). Event-bus internal
 * addresses are always denied. Immutable and thread-safe.
 */
public final class Permissions {
  private final List<ChannelRule> rules;

  public Permissions(List<ChannelRule> rules) {
    this.rules = List.copyOf(rules);
  }

  public boolean maySubscribe(Principal principal, String channel) {
    ChannelRule rule = ruleFor(channel);
    return allowed(rule == null ? Access.TOKEN : rule.subscribe(), principal.subscribe(), channel);
  }

  public boolean mayPublish(Principal principal, String channel) {
    ChannelRule rule = ruleFor(channel);
    return allowed(rule == null ? Access.TOKEN : rule.publish(), principal.publish(), channel);
  }

  /** What the channel's namespace offers (presence, history...): its first matching rule's options. */
  public ChannelOptions options(String channel) {
    ChannelRule rule = ruleFor(channel);
    return rule == null ? ChannelOptions.NONE : rule.options();
  }

  /** The first rule whose pattern matches, or null. */
  public ChannelRule ruleFor(String channel) {
    for (ChannelRule rule : rules) {
      if (rule.pattern().matches(channel)) {
        return rule;
      }
    }
    return null;
  }

  private static boolean allowed(Access access, List<ChannelPattern> claims, String channel) {
    if (ChannelNames.isInternal(channel)) {
      return false;
    }
    return switch (access) {
      case ALL -> true;
      case NONE -> false;
      case TOKEN -> ChannelPattern.anyMatches(claims, channel);
    };
  }
}
