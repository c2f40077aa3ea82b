package io.pubsubgateway.transport;

import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.protocol.CloseCode;
import io.pubsubgateway.session.ClientSocket;
import io.pubsubgateway.session.Session;
import io.pubsubgateway.session.SessionServices;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The sessions of one server instance (one event loop): starts a {@link Session} per accepted
 * socket, frees its connection slot when it closes, closes them all or one user's on request, and
 * checks their timers (token expiry, idleness) once a second.
 *
 * <p>Threading: the event loop of its verticle; {@link #closeAll} and {@link #disconnect} may be
 * called from any thread and run on that loop.
 */
final class SessionRegistry {
  /** How often every session's timers are checked. */
  static final long SWEEP_PERIOD_MS = 1000;

  private final Context context;
  private final SessionServices services;
  private final ConnectionGate node;
  private final Set<Session> sessions = new LinkedHashSet<>();
  private long sweepTimer = -1;

  /** @param services what the sessions of this loop share */
  SessionRegistry(Context context, SessionServices services, ConnectionGate node) {
    this.context = context;
    this.services = services;
    this.node = node;
  }

  /**
   * Starts the session of an accepted socket, whose connection slot and user slot were reserved;
   * both are released when the session closes, however it closes. A session accepted while the node was being isolated (its
   * handshake in flight) is closed at once with 4005.
   */
  void start(ClientSocket socket, Principal principal) {
    Session[] holder = new Session[1];
    Session session = new Session(socket, principal, services, () -> {
      sessions.remove(holder[0]);
      node.release();
      node.releaseUser(principal.user());
    });
    holder[0] = session;
    sessions.add(session);
    session.start();
    if (node.isolated() != null) {
      session.close(CloseCode.QUORUM_LOST); // isolated while its handshake was in flight
    }
  }

  /** Closes every session with {@code code}; completes when they are closed. */
  Future<Void> closeAll(CloseCode code) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      List<Future<Void>> closing = new ArrayList<>();
      for (Session s : new ArrayList<>(sessions)) {
        closing.add(s.closedFuture());
        s.close(code);
      }
      Future.join(closing).<Void>mapEmpty().onComplete(done);
    });
    return done.future();
  }

  /** Closes the sessions of {@code user} with {@code code}; completes with their number. */
  Future<Integer> disconnect(String user, CloseCode code) {
    Promise<Integer> done = Promise.promise();
    context.runOnContext(v -> {
      int n = 0;
      for (Session s : new ArrayList<>(sessions)) {
        if (s.principal().user().equals(user)) {
          s.close(code);
          n++;
        }
      }
      done.complete(n);
    });
    return done.future();
  }

  /** Starts the once-a-second timer check; called on the loop, when the verticle starts. */
  void startTimers(Vertx vertx) {
    sweepTimer = vertx.setPeriodic(SWEEP_PERIOD_MS, id -> sweep());
  }

  /** Stops what {@link #startTimers} started. */
  void stopTimers(Vertx vertx) {
    vertx.cancelTimer(sweepTimer);
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    for (Session s : new ArrayList<>(sessions)) {
      s.checkTimers(now);
    }
  }
}
