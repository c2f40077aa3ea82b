package io.pubsubgateway.history;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Gets a channel's stream id ({@code <namespace>.<epoch>}) from {@code __pubsub.epochs} in one operation
 * on the key's owner: creates it from {@code candidate} with a time-to-live of {@code ttlSeconds} when the
 * channel has none, and with {@code touch} refreshes the time-to-live of an existing one. Returns the
 * stream id now in the map. With {@code replacing}, a channel whose stream id is still that one gets
 * {@code candidate} instead: a new epoch for a stream that lost acknowledged messages.
 *
 * <p>The backup replica applies the outcome ({@link Put}), not this processor again: a backup whose copy
 * has not expired yet must not keep (or revive) an epoch the owner already dropped.
 *
 * <p>Serialized as {@link IdentifiedDataSerializable} (factory {@link #FACTORY_ID}, registered by
 * {@link HazelcastHistoryStore#configure}): a few bytes instead of Java serialization's class descriptors.
 */
final class EpochProcessor implements EntryProcessor<String, String, String>, IdentifiedDataSerializable {
  private static final long serialVersionUID = 1L;
  /** The gateway's data-serializable factory id ("PSGW"). */
  static final int FACTORY_ID = 0x50534757;
  static final int PROCESSOR_ID = 1;
  static final int PUT_ID = 2;
  private String candidate;
  private long ttlSeconds;
  private boolean touch;
  /** The stream id to replace by {@code candidate}, or null. */
  private String replacing;
  /** What {@link #process} wrote, null when nothing: decides the backup. */
  private transient String written;

  /** For deserialization. */
  EpochProcessor() {
  }

  EpochProcessor(String candidate, long ttlSeconds, boolean touch) {
    this(candidate, ttlSeconds, touch, null);
  }

  EpochProcessor(String candidate, long ttlSeconds, boolean touch, String replacing) {
    this.candidate = candidate;
    this.ttlSeconds = ttlSeconds;
    this.touch = touch;
    this.replacing = replacing;
  }

  @Override
  public String process(Map.Entry<String, String> entry) {
    String current = entry.getValue();
    if (current == null || touch || current.equals(replacing)) {
      written = current == null || current.equals(replacing) ? candidate : current;
      ((ExtendedMapEntry<String, String>) entry).setValue(written, ttlSeconds, TimeUnit.SECONDS);
      return written;
    }
    return current;
  }

  @Override
  public EntryProcessor<String, String, String> getBackupProcessor() {
    return written == null ? null : new Put(written, ttlSeconds);
  }

  @Override
  public int getFactoryId() {
    return FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return PROCESSOR_ID;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(candidate);
    out.writeLong(ttlSeconds);
    out.writeBoolean(touch);
    out.writeString(replacing);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    candidate = in.readString();
    ttlSeconds = in.readLong();
    touch = in.readBoolean();
    replacing = in.readString();
  }

  /** Makes the gateway's data-serializable objects from their class ids. */
  static DataSerializableFactory factory() {
    return id -> switch (id) {
      case PROCESSOR_ID -> new EpochProcessor();
      case PUT_ID -> new Put();
      default -> null;
    };
  }

  /** The backup of an {@link EpochProcessor} that wrote: the same value and time-to-live. */
  static final class Put implements EntryProcessor<String, String, String>, IdentifiedDataSerializable {
    private static final long serialVersionUID = 1L;
    private String value;
    private long ttlSeconds;

    Put() {
    }

    Put(String value, long ttlSeconds) {
      this.value = value;
      this.ttlSeconds = ttlSeconds;
    }

    @Override
    public String process(Map.Entry<String, String> entry) {
      ((ExtendedMapEntry<String, String>) entry).setValue(value, ttlSeconds, TimeUnit.SECONDS);
      return value;
    }

    @Override
    public EntryProcessor<String, String, String> getBackupProcessor() {
      return null;
    }

    @Override
    public int getFactoryId() {
      return FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return PUT_ID;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(value);
      out.writeLong(ttlSeconds);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      value = in.readString();
      ttlSeconds = in.readLong();
    }
  }
}
