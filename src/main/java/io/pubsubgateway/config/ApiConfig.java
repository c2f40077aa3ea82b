package io.pubsubgateway.config;

import java.util.List;

/**
 * The {@code api.*} keys: the server HTTP API under {@code /api}. {@code keys} are the accepted
 * API keys (each at least {@link #MIN_KEY_LENGTH} characters); {@code clusterTimeoutMs} bounds how
 * long a cluster-wide query waits for each node.
 */
public record ApiConfig(boolean enabled, List<String> keys, int maxBodyBytes, int clusterTimeoutMs) {
  public static final int MIN_KEY_LENGTH = 16;
  public static final boolean DEFAULT_ENABLED = false;
  public static final List<String> DEFAULT_KEYS = List.of();
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final int DEFAULT_CLUSTER_TIMEOUT_MS = 3000;
}
