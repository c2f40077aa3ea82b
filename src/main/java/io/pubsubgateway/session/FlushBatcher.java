package io.pubsubgateway.session;

import io.vertx.core.Context;

import java.util.ArrayList;
import java.util.List;

/**
 * Flushes the sockets of one event loop once per turn: a session that wrote a frame registers
 * here, and one task queued behind the work already on the loop flushes every registered socket.
 * A burst of N messages to a socket then costs one flush (one syscall) instead of N.
 *
 * <p>Threading: used only on its event loop.
 */
public final class FlushBatcher {
  private final Context context;
  private List<Session> dirty = new ArrayList<>();
  private List<Session> spare = new ArrayList<>();
  private boolean scheduled;

  /** @param context the event loop whose sessions this batcher flushes */
  public FlushBatcher(Context context) {
    this.context = context;
  }

  /** Registers a session with unflushed writes. */
  void add(Session session) {
    dirty.add(session);
    if (!scheduled) {
      scheduled = true;
      context.runOnContext(v -> flushAll());
    }
  }

  private void flushAll() {
    scheduled = false;
    List<Session> batch = dirty;
    dirty = spare;
    spare = batch;
    for (Session s : batch) {
      s.flush();
    }
    batch.clear();
  }
}
