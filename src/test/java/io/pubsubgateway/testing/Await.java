package io.pubsubgateway.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Bounded waits for tests. */
public final class Await {
  public static final Duration DEFAULT = Duration.ofSeconds(10);

  private Await() {
  }

  /** The future's result, failing the test after {@link #DEFAULT}. */
  public static <T> T result(Future<T> future) {
    return result(future, DEFAULT);
  }

  public static <T> T result(Future<T> future, Duration timeout) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return fail("no result within " + timeout);
    } catch (java.util.concurrent.ExecutionException e) {
      return fail("future failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  /** Runs {@code action} as one task on {@code context} and returns its result (or its exception as a test failure). */
  public static <T> T on(Context context, Supplier<T> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        done.complete(action.get());
      } catch (Throwable t) {
        done.fail(t);
      }
    });
    return result(done.future());
  }

  /** The future's failure, failing the test when it succeeds or takes longer than {@link #DEFAULT}. */
  public static Throwable failure(Future<?> future) {
    try {
      Object r = future.toCompletionStage().toCompletableFuture().get(DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
      return fail("expected a failure, got " + r);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      return fail("no failure within " + DEFAULT + ": " + e);
    }
  }

  /** Polls {@code condition} every 20 ms until it holds, failing with {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, Duration.ofMillis(20), condition);
  }

  /** Polls {@code condition} every {@code period} until it holds, failing with {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, Duration period, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeout + " waiting for: " + what);
      }
      try {
        Thread.sleep(period.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }

  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT, condition);
  }
}
