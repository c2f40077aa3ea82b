package io.pubsubgateway.session;

import io.pubsubgateway.protocol.CloseCode;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A client socket for session tests: keeps every frame written to it (as JSON) and every close code. */
final class FrameSocket implements ClientSocket {
  final List<JsonObject> written = new CopyOnWriteArrayList<>();
  final List<Short> closes = new CopyOnWriteArrayList<>();

  @Override
  public void start(Events events) {
  }

  @Override
  public void write(byte[] frame) {
    written.add(new JsonObject(new String(frame, StandardCharsets.UTF_8)));
  }

  @Override
  public boolean flush() {
    return true;
  }

  @Override
  public void close(CloseCode code) {
    closes.add(code.code());
  }

  @Override
  public void dropAfter(long graceMs) {
  }

  @Override
  public String remoteAddress() {
    return "test";
  }

  @Override
  public Short closeCode() {
    return null;
  }

  @Override
  public String closeReason() {
    return null;
  }
}
