package io.pubsubgateway.config;

/** The {@code cluster.*} keys. */
public record ClusterConfig(boolean enabled, String hazelcastConfig, String host, int port, String name,
                            String addressPrefix) {
}
