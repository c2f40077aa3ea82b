package io.pubsubgateway.config;

/**
 * The {@code cluster.*} keys.
 *
 * @param minMembers the quorum: a node that sees fewer data members of its Hazelcast cluster than
 *                   this is isolated (not ready, refuses handshakes, closes its clients with 4005)
 * @param gapWaitMs  how long a node waits for a missing message of a history channel to arrive
 *                   (messages from different nodes may cross) before it reads the stream
 */
public record ClusterConfig(boolean enabled, String hazelcastConfig, String host, int port, String name,
                            String addressPrefix, int minMembers, int gapWaitMs) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final String DEFAULT_HAZELCAST_CONFIG = "conf/cluster.xml";
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** A random event-bus port. */
  public static final int DEFAULT_PORT = 0;
  /** Channel C has the event-bus address C. */
  public static final String DEFAULT_ADDRESS_PREFIX = "";
  /** A node serves alone: no quorum. The multi-host setups use a majority of the cluster. */
  public static final int DEFAULT_MIN_MEMBERS = 1;
  /** Upper bound of {@code cluster.minMembers}. */
  public static final int MAX_MIN_MEMBERS = 1000;
  public static final int DEFAULT_GAP_WAIT_MS = 200;
}
