package io.pubsubgateway.bench.report;

import java.util.Map;

/**
 * What one system achieved in one scenario of one run.
 *
 * @param system               system name (see MeasuredSystem#name)
 * @param throughputPerSec     the headline figure: deliveries/s at the highest passing load (fanout, channels), or
 *                             handshakes/s (connections), or subscribes/s (churn)
 * @param loss                 messages expected but not received in the reported trial (0 required)
 * @param duplicates           messages received more than once in the reported trial
 * @param latencyLoadPerSec    the delivery rate at which the latency figures were measured
 * @param p50Ms                latency percentiles in milliseconds (publish to receive, or subscribe to ack)
 * @param p99Ms                ..
 * @param p999Ms               ..
 * @param maxMs                ..
 * @param cpuMicrosPerDelivery server CPU time (user+system, all server processes) per delivery, microseconds; NaN when n/a
 * @param extra                scenario-specific figures (e.g. rssKibPerConnection, registrations), JSON-encodable
 */
public record SystemResult(String system, double throughputPerSec, long loss, long duplicates,
                           double latencyLoadPerSec, double p50Ms, double p99Ms, double p999Ms, double maxMs,
                           double cpuMicrosPerDelivery, Map<String, Object> extra) {
}
