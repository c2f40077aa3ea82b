package io.pubsubgateway.hub;

import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.history.HistoryStore;
import io.pubsubgateway.history.HistoryStore.Entry;
import io.pubsubgateway.history.HistoryStore.Page;
import io.pubsubgateway.protocol.FrameCodec;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Delivers the messages of one channel with history, on one node, in offset order and without a
 * silent gap. Publishes from different nodes may reach a node out of order, so a message ahead of
 * the next expected offset waits; if the missing one does not arrive within the gap wait it is read
 * from the history (its publisher appended it before publishing).
 *
 * <p>What it never does is move past what it cannot prove. When continuity is lost — offsets a
 * successful read shows are gone from the history, the stream's epoch changed (its history was
 * lost), the stream no longer holds what this node delivered (two sides of a network split appended
 * to it, and the merge kept the other side's), or more messages wait behind a gap than it may hold —
 * it calls {@link Sink#resync} once and then stops: the channel's local subscribers are told to
 * subscribe again with recovery, which says whether they got everything. A failed read is retried
 * with a growing delay, never taken as proof.
 *
 * <p>Epochs: a message labelled with another epoch than the sequencer's makes it ask the store for
 * the stream's current epoch. If the stream is still the sequencer's, the label was stale (a node
 * that had not yet learnt the stream was replaced) and the message is dropped — if its offset was
 * needed, the gap fill reads it under the right epoch. Otherwise the stream changed: resync.
 *
 * <p>Threading: confined to one thread (the event loop of its channel's owner {@link HubShard});
 * timers and store callbacks must run there too.
 */
final class StreamSequencer {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSequencer.class);
  /**
   * The first retry of a failed or inconclusive history read waits twice this, each further one
   * twice as long as the one before; independent of the gap wait, so that a short gap wait does not
   * shorten the half minute a gap is retried for.
   */
  static final long RETRY_BASE_MS = 200;
  /** Upper bound of the delay between retries of a failed history read. */
  static final long MAX_RETRY_DELAY_MS = 5000;
  /** Held messages of other epochs while the current epoch is being checked. */
  private static final int MAX_FOREIGN = 1000;
  /**
   * Successful reads in a row that neither filled a gap nor proved it gone before continuity is given
   * up (about half a minute with the growing delay).
   */
  static final int MAX_INCONCLUSIVE_READS = 8;
  /** How many delivered messages a duplicate is checked against (same offset must mean same mid). */
  static final int RECENT = 64;

  /** Timers of the sequencer's thread. */
  interface Timers {
    long schedule(long delayMs, Runnable task);

    void cancel(long id);
  }

  /** Where the sequencer's output goes: the channel's local subscribers. */
  interface Sink {
    /** Delivers a {@code rec} frame at {@code offset} of {@code epoch} (0 and null: outside the stream's order). */
    void deliver(byte[] frame, long offset, String epoch);

    /** Continuity is lost: the local subscribers must subscribe again with recovery. Called at most once. */
    void resync(String reason);
  }

  private record Held(Object body, MultiMap headers) {
  }

  private final String channel;
  private final ChannelOptions options;
  private final HistoryStore history;
  private final Timers timers;
  private final Sink sink;
  private final long gapWaitMs;
  private final int maxPending;
  private boolean positioned;
  /** Closed by the hub, or stopped after a resync: everything is ignored. */
  private boolean stopped;
  private String epoch;
  private long next;
  /** Mid of the message at {@code next - 1}, when known: what a merge must not have replaced. */
  private String lastMid;
  /** Offsets and mids of the last {@value #RECENT} messages delivered, by offset modulo the size. */
  private final long[] recentOffsets = new long[RECENT];
  private final String[] recentMids = new String[RECENT];
  private final TreeMap<Long, Held> pending = new TreeMap<>();
  private final List<Held> foreign = new ArrayList<>();
  private boolean checkingEpoch;
  private boolean reading;
  private boolean repositionWanted;
  private int failedReads;
  private int inconclusiveReads;
  private long timer = -1;
  private boolean warnedBadOffset;

  /**
   * @param gapWaitMs  how long a message ahead of the next offset waits for the ones before it
   *                   before they are read from the history ({@code cluster.gapWaitMs}; 0: at once)
   * @param maxPending how many messages may wait behind a gap before continuity is given up
   *                   (the history's size is a natural bound: beyond it the gap cannot be filled)
   */
  StreamSequencer(String channel, ChannelOptions options, HistoryStore history, Timers timers, Sink sink,
                  long gapWaitMs, int maxPending) {
    this.channel = channel;
    this.options = options;
    this.history = history;
    this.timers = timers;
    this.sink = sink;
    this.gapWaitMs = gapWaitMs;
    this.maxPending = maxPending;
  }

  /**
   * Learns where the stream stands (and the mid of its last message); messages that arrived
   * meanwhile were held. Fails when the store cannot tell.
   */
  Future<Void> start() {
    return history.top(channel, options).compose(top -> top.offset() == 0
      ? Future.succeededFuture(new Page(top, List.of()))
      : history.read(channel, options, top.offset(), 1).map(page -> new Page(top, page.entries())))
      .map(page -> {
        if (stopped) {
          return null;
        }
        positioned = true;
        epoch = page.top().epoch();
        next = page.top().offset() + 1;
        lastMid = midAt(page.entries(), next - 1);
        List<Held> held = new ArrayList<>(pending.values());
        pending.clear();
        for (Held m : held) {
          offer(m.body(), m.headers());
        }
        return null;
      });
  }

  /** A live message from the broker that carries an {@code offset} header. */
  void offer(Object body, MultiMap headers) {
    if (stopped) {
      return;
    }
    String messageEpoch = headers.get(ChannelPublisher.EPOCH);
    long offset = parseOffset(headers.get(ChannelPublisher.OFFSET));
    if (offset <= 0 || messageEpoch == null) {
      deliverOutOfOrder(body, headers);
      return;
    }
    if (!positioned) {
      hold(offset, new Held(body, headers));
      return;
    }
    if (!messageEpoch.equals(epoch)) {
      handleForeignEpoch(new Held(body, headers));
      return;
    }
    if (offset < next) {
      // already delivered (read from history while filling a gap) — unless it is another message at that offset
      String mid = headers.get(ChannelPublisher.MID);
      int slot = (int) (offset % RECENT);
      if (mid != null && recentOffsets[slot] == offset && recentMids[slot] != null && !recentMids[slot].equals(mid)) {
        resync("the stream holds another message at offset " + offset + " than the one this node delivered (the "
          + "stream lost acknowledged messages)");
      }
      return;
    }
    if (offset > next) {
      hold(offset, new Held(body, headers));
      scheduleFill(gapWaitMs);
      return;
    }
    deliver(body, headers, offset);
    drain();
  }

  /**
   * Checks the stream against what this node delivered, after a cluster membership change or a
   * merge: delivers what the stream has past this node's position (messages that could not reach
   * this node meanwhile), or resyncs when the stream no longer holds this node's last message.
   */
  void reposition() {
    if (stopped || !positioned) {
      return;
    }
    repositionWanted = true;
    scheduleFill(0);
  }

  /** Stops timers; late store answers are ignored. */
  void close() {
    stopped = true;
    cancelTimer();
  }

  boolean stopped() {
    return stopped;
  }

  private void hold(long offset, Held message) {
    pending.put(offset, message);
    if (pending.size() > maxPending) {
      resync("more than " + maxPending + " messages wait behind offset " + next);
    }
  }

  private void deliver(Object body, MultiMap headers, long offset) {
    sink.deliver(FrameCodec.encodeRec(channel, body, headers), offset, epoch);
    next = offset + 1;
    lastMid = headers.get(ChannelPublisher.MID);
    remember(offset, lastMid);
  }

  private void remember(long offset, String mid) {
    int slot = (int) (offset % RECENT);
    recentOffsets[slot] = offset;
    recentMids[slot] = mid;
  }

  private void deliverStored(Entry e) {
    sink.deliver(ChannelPublisher.encodeStored(channel, e, epoch), e.offset(), epoch);
    next = e.offset() + 1;
    lastMid = e.message().getString(ChannelPublisher.MID_FIELD);
    remember(e.offset(), lastMid);
  }

  /** A message whose offset or epoch header is not the gateway's (a backend set them): delivered as is. */
  private void deliverOutOfOrder(Object body, MultiMap headers) {
    if (!warnedBadOffset) {
      warnedBadOffset = true;
      LOG.warn("channel {}: a message with offset header {} and epoch header {} is not from this channel's stream "
        + "(a backend publishing on the event bus?): delivered outside the offset order", channel,
        headers.get(ChannelPublisher.OFFSET), headers.get(ChannelPublisher.EPOCH));
    }
    sink.deliver(FrameCodec.encodeRec(channel, body, headers), 0, null);
  }

  /** Delivers held messages that are now next in line. */
  private void drain() {
    while (!pending.isEmpty() && pending.firstKey() <= next) {
      Map.Entry<Long, Held> first = pending.pollFirstEntry();
      if (first.getKey() == next) {
        deliver(first.getValue().body(), first.getValue().headers(), first.getKey());
      }
    }
    if (pending.isEmpty() && !repositionWanted) {
      cancelTimer();
    } else {
      scheduleFill(gapWaitMs);
    }
  }

  private void handleForeignEpoch(Held message) {
    if (foreign.size() < MAX_FOREIGN) {
      foreign.add(message);
    }
    if (checkingEpoch) {
      return;
    }
    checkingEpoch = true;
    history.top(channel, options).onComplete(ar -> {
      checkingEpoch = false;
      if (stopped) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("channel {}: cannot check the stream's epoch: {}; retrying", channel, ar.cause().toString());
        List<Held> again = new ArrayList<>(foreign);
        foreign.clear();
        timers.schedule(retryDelay(++failedReads), () -> again.forEach(h -> offer(h.body(), h.headers())));
        return;
      }
      String current = ar.result().epoch();
      if (!current.equals(epoch)) {
        resync("the stream's epoch changed from " + epoch + " to " + current + " (its history was lost)");
        return;
      }
      LOG.debug("channel {}: dropped {} messages labelled with a stale epoch", channel, foreign.size());
      foreign.clear();
    });
  }

  private void scheduleFill(long delayMs) {
    if (timer >= 0 || reading) {
      return;
    }
    timer = timers.schedule(delayMs, () -> {
      timer = -1;
      fill();
    });
  }

  private void cancelTimer() {
    if (timer >= 0) {
      timers.cancel(timer);
      timer = -1;
    }
  }

  /**
   * One read from the history: from the last delivered offset when a reposition was asked (to check
   * it is still the stream's), else from the first missing one up to the first held message.
   */
  private void fill() {
    if (stopped || reading || (pending.isEmpty() && !repositionWanted)) {
      return;
    }
    boolean check = repositionWanted;
    repositionWanted = false;
    long from = check && next > 1 ? next - 1 : next;
    int limit = check ? options.historySize() + 1 : (int) Math.min(pending.firstKey() - from, Integer.MAX_VALUE);
    reading = true;
    // what the check compares: this node's last message when the read was sent (live ones may follow
    // while it is in flight, and the page would not show them)
    long checkOffset = next - 1;
    String checkMid = lastMid;
    history.read(channel, options, from, limit).onComplete(ar -> {
      reading = false;
      if (stopped) {
        return;
      }
      if (ar.failed()) {
        long delay = retryDelay(++failedReads);
        LOG.warn("channel {}: cannot read offsets from {} in the history: {}; retrying in {} ms", channel, from,
          ar.cause().toString(), delay);
        repositionWanted |= check;
        scheduleFill(delay);
        return;
      }
      failedReads = 0;
      filled(ar.result(), check, checkOffset, checkMid);
    });
  }

  private void filled(Page page, boolean check, long checkOffset, String checkMid) {
    if (!page.top().epoch().equals(epoch)) {
      resync("the stream's epoch changed from " + epoch + " to " + page.top().epoch() + " (its history was lost)");
      return;
    }
    List<Entry> entries = page.entries();
    if (check && checkOffset > 0) {
      String problem = checkLastDelivered(page, checkOffset, checkMid);
      if (problem != null) {
        resync(problem);
        return;
      }
    }
    int i = 0;
    while (i < entries.size() && entries.get(i).offset() < next) {
      i++;
    }
    if (i < entries.size() && entries.get(i).offset() > next) {
      resync("offsets " + next + ".." + (entries.get(i).offset() - 1) + " are no longer in the history");
      return;
    }
    boolean progressed = i < entries.size();
    for (; i < entries.size() && entries.get(i).offset() == next; i++) {
      deliverStored(entries.get(i));
    }
    if (!progressed && !pending.isEmpty() && pending.firstKey() > next) {
      // the read neither filled the gap nor proved it gone: retried, never skipped
      if (++inconclusiveReads > MAX_INCONCLUSIVE_READS) {
        resync("offsets " + next + ".." + (pending.firstKey() - 1) + " could not be read from the history (the "
          + "stream ends at " + page.top().offset() + ")");
        return;
      }
      scheduleFill(retryDelay(inconclusiveReads));
    } else {
      inconclusiveReads = 0;
    }
    drain();
  }

  /** Why the stream no longer holds what this node delivered last, or null when it does. */
  private String checkLastDelivered(Page page, long last, String lastMid) {
    if (page.top().offset() < last) {
      return "the stream ends at offset " + page.top().offset() + " but this node delivered up to " + last
        + " (a merge kept another side's stream)";
    }
    String mid = midAt(page.entries(), last);
    if (mid != null && lastMid != null && !mid.equals(lastMid)) {
      return "the message at offset " + last + " is not the one this node delivered (a merge kept another side's "
        + "stream)";
    }
    return null;
  }

  private void resync(String reason) {
    if (stopped) {
      return;
    }
    LOG.warn("channel {}: continuity lost, subscribers resync: {}", channel, reason);
    stopped = true;
    cancelTimer();
    pending.clear();
    foreign.clear();
    sink.resync(reason);
  }

  private long retryDelay(int failures) {
    return Math.min(RETRY_BASE_MS << Math.min(failures, 16), MAX_RETRY_DELAY_MS);
  }

  private static String midAt(List<Entry> entries, long offset) {
    for (Entry e : entries) {
      if (e.offset() == offset) {
        return e.message().getString(ChannelPublisher.MID_FIELD);
      }
    }
    return null;
  }

  /** The offset header's value, or -1 when it is not a positive decimal number. */
  static long parseOffset(String value) {
    if (value == null) {
      return -1;
    }
    try {
      long offset = Long.parseLong(value);
      return offset > 0 ? offset : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
