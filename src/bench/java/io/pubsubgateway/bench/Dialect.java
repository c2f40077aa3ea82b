package io.pubsubgateway.bench;

/** The wire protocol a load generator speaks to a system under test. */
public enum Dialect {
  /** vertx-web event-bus bridge JSON frames: register / publish / rec (pubsub-gateway, raw Vert.x, the bridge). */
  BRIDGE_JSON,
  /** NATS text protocol over WebSocket: CONNECT / SUB / PUB / MSG / PING / PONG. */
  NATS
}
