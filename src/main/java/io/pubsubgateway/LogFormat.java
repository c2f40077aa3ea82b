package io.pubsubgateway;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AsyncAppenderBase;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

import java.util.Iterator;

/**
 * Applies {@code logging.format: json}: every console appender of the running logback
 * configuration (also behind an async appender) gets logback's {@link JsonEncoder}, so each event
 * is one JSON object per line with its key/value pairs ({@code user}, {@code remote}, {@code code}...)
 * under {@code kvpList}. Levels and appenders stay as {@code conf/logback.xml} sets them.
 */
final class LogFormat {
  private LogFormat() {
  }

  static void apply(boolean json) {
    if (!json || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    for (Logger logger : context.getLoggerList()) {
      for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
        toJson(context, it.next());
      }
    }
  }

  private static void toJson(LoggerContext context, Appender<ILoggingEvent> appender) {
    if (appender instanceof AsyncAppenderBase<ILoggingEvent> async) {
      for (Iterator<Appender<ILoggingEvent>> it = async.iteratorForAppenders(); it.hasNext(); ) {
        toJson(context, it.next());
      }
    } else if (appender instanceof ConsoleAppender<ILoggingEvent> console) {
      JsonEncoder encoder = new JsonEncoder();
      encoder.setContext(context);
      encoder.setWithContext(false);
      encoder.setWithSequenceNumber(false);
      encoder.setWithNanoseconds(false);
      encoder.setWithMDC(false);
      encoder.setWithArguments(false);
      encoder.setWithMessage(false);
      encoder.setWithFormattedMessage(true);
      encoder.start();
      console.stop();
      console.setEncoder(encoder);
      console.start();
    }
  }
}
