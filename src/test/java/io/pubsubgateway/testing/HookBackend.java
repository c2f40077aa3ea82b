package io.pubsubgateway.testing;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.FileNotFoundException;

/**
 * A backend with hooks, as its own process for the JavaScript SDK's tests
 * ({@code src/main/js/test/hooks.test.mjs}): a clustered Vert.x joining the gateways' Hazelcast
 * cluster ({@code conf/cluster.xml}, cluster name from the first argument) as a lite member (it
 * stores none of the gateways' data), with the consumers of {@code js.hook.subscribe} (refuses
 * channels ending in {@code .deny} with {@code not_member}) and {@code js.hook.publish} (refuses a
 * body {@code {"action":"deny"}} with {@code forbidden_word}, replaces {@code {"action":"replace"}}
 * by {@code {"replaced":true}}). Prints {@code hook backend ready} once registered; runs until
 * killed. Started with the fat jar and {@code target/test-classes} on the class path.
 */
public final class HookBackend {
  private HookBackend() {
  }

  public static void main(String[] args) throws FileNotFoundException {
    System.setProperty("hazelcast.phone.home.enabled", "false");
    Config hz = new FileSystemXmlConfig(args.length > 1 ? args[1] : "conf/cluster.xml");
    hz.setClusterName(args[0]);
    hz.setLiteMember(true);
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0).setClusterPublicHost("127.0.0.1");
    Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hz)).buildClustered()
      .compose(vertx -> {
        EventBus bus = vertx.eventBus();
        Future<Void> subscribe = bus.<JsonObject>consumer("js.hook.subscribe", m -> {
          String channel = m.body().getString("channel", "");
          m.reply(channel.endsWith(".deny")
            ? new JsonObject().put("result", "reject").put("code", "not_member").put("message", "no entry to " + channel)
            : new JsonObject().put("result", "accept"));
        }).completion();
        Future<Void> publish = bus.<JsonObject>consumer("js.hook.publish", m -> {
          Object body = m.body().getValue("body");
          String action = body instanceof JsonObject o ? o.getString("action", "") : "";
          m.reply(switch (action) {
            case "deny" -> new JsonObject().put("result", "reject").put("code", "forbidden_word")
              .put("message", "no swearing");
            case "replace" -> new JsonObject().put("result", "accept").put("body", new JsonObject().put("replaced", true));
            default -> new JsonObject().put("result", "accept");
          });
        }).completion();
        return Future.all(subscribe, publish);
      })
      .onSuccess(v -> System.out.println("hook backend ready"))
      .onFailure(err -> {
        err.printStackTrace();
        System.exit(1);
      });
  }
}
