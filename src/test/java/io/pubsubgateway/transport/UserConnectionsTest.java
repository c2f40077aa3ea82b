package io.pubsubgateway.transport;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-user connection count of a node ({@code limits.maxConnectionsPerUser}). */
class UserConnectionsTest {

  @Test
  void aUserAtTheLimitIsRefusedUntilOneOfItsConnectionsIsReleasedAndOtherUsersAreUnaffected() {
    UserConnections users = new UserConnections(2);
    assertTrue(users.tryAcquire("alice"));
    assertFalse(users.atLimit("alice"));
    assertTrue(users.tryAcquire("alice"));
    assertTrue(users.atLimit("alice"));
    assertFalse(users.tryAcquire("alice"), "third connection");
    assertEquals(2, users.count("alice"), "a refusal counts nothing");
    assertTrue(users.tryAcquire("bob"));
    users.release("alice");
    assertEquals(1, users.count("alice"));
    assertTrue(users.tryAcquire("alice"));
    assertFalse(users.tryAcquire("alice"));
  }

  @Test
  void entriesDisappearWithTheLastConnectionAndAReleaseOfNothingStaysAtZero() {
    UserConnections users = new UserConnections(1);
    assertTrue(users.tryAcquire("alice"));
    assertEquals(1, users.users());
    users.release("alice");
    assertEquals(0, users.users());
    users.release("alice");
    assertEquals(0, users.count("alice"));
    assertTrue(users.tryAcquire("alice"));
  }

  @Test
  void zeroIsUnlimitedAndAnonymousConnectionsAreNotCounted() {
    UserConnections unlimited = new UserConnections(0);
    for (int i = 0; i < 1000; i++) {
      assertTrue(unlimited.tryAcquire("alice"));
    }
    assertFalse(unlimited.atLimit("alice"));
    assertEquals(0, unlimited.users(), "nothing is kept when unlimited");
    UserConnections one = new UserConnections(1);
    for (int i = 0; i < 10; i++) {
      assertTrue(one.tryAcquire(""));
    }
    assertFalse(one.atLimit(""));
    one.release("");
    assertEquals(0, one.users());
    assertThrows(IllegalArgumentException.class, () -> new UserConnections(-1));
  }

  @Test
  void concurrentHandshakesOfOneUserNeverExceedTheLimit() throws Exception {
    UserConnections users = new UserConnections(5);
    AtomicInteger taken = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 1000; i++) {
          if (users.tryAcquire("alice")) {
            taken.incrementAndGet();
            assertTrue(users.count("alice") <= 5);
            users.release("alice");
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(30_000);
    }
    assertTrue(taken.get() > 0);
    assertEquals(0, users.count("alice"), "every acquire released");
  }
}
