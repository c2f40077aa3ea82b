package io.pubsubgateway.testing;

import io.pubsubgateway.client.GatewayMessage;
import io.vertx.core.Handler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What an SDK subscription received, in order: a message handler for tests with bounded waits. */
public final class Received implements Handler<GatewayMessage> {
  private final List<GatewayMessage> messages = new CopyOnWriteArrayList<>();

  @Override
  public void handle(GatewayMessage message) {
    messages.add(message);
  }

  public List<GatewayMessage> messages() {
    return List.copyOf(messages);
  }

  /** The bodies received, in order. */
  public List<Object> bodies() {
    return messages.stream().map(GatewayMessage::body).toList();
  }

  /** The offsets received, in order (-1 for messages without one). */
  public List<Long> offsets() {
    return messages.stream().map(GatewayMessage::offset).toList();
  }

  public int size() {
    return messages.size();
  }

  /** Waits until at least {@code count} messages arrived, failing after {@code timeout}. */
  public void await(int count, Duration timeout) {
    try {
      Await.until(count + " messages", timeout, () -> messages.size() >= count);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; received " + bodies(), e);
    }
  }

  /** Waits {@code millis} and asserts that nothing beyond {@code count} messages arrived. */
  public void assertNoMoreThan(int count, long millis) throws InterruptedException {
    Thread.sleep(millis);
    org.junit.jupiter.api.Assertions.assertEquals(count, messages.size(), "messages: " + bodies());
  }
}
