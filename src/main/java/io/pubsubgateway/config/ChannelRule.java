package io.pubsubgateway.config;

import io.pubsubgateway.auth.Access;
import io.pubsubgateway.auth.ChannelPattern;

/**
 * A channel namespace rule from {@code channels}: what clients may do on matching channels without
 * a token claim granting it.
 */
public record ChannelRule(ChannelPattern pattern, Access subscribe, Access publish) {
}
