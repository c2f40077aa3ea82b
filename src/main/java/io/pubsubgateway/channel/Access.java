package io.pubsubgateway.channel;

/** What a channel rule allows for subscribing or publishing without a token claim. */
public enum Access {
  /** Only clients whose token claim grants it. */
  TOKEN,
  /** Every connected client, anonymous ones included. */
  ALL,
  /** Nobody, whatever the token says (e.g. channels only backends publish to). */
  NONE
}
