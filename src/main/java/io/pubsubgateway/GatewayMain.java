package io.pubsubgateway;

import io.pubsubgateway.auth.TokenMinter;
import io.pubsubgateway.cli.PubCommand;
import io.pubsubgateway.cli.SubCommand;
import io.pubsubgateway.config.ConfigException;
import io.pubsubgateway.config.ConfigLoader;
import io.pubsubgateway.config.GatewayConfig;
import io.pubsubgateway.node.GatewayNode;
import io.vertx.core.Vertx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Command line: {@code java -jar pubsub-gateway.jar [--conf FILE] [--set key=value]...} starts a
 * node; {@code ... token --sub USER [--subscribe P]... [--publish P]...} prints a signed dev token.
 * Exit codes: 0 normal stop (SIGTERM/SIGINT), 2 configuration error, 1 other start failure.
 */
@Command(name = "pubsub-gateway", mixinStandardHelpOptions = true, version = "pubsub-gateway 0.1.0",
  description = "Clustered WebSocket publish/subscribe gateway on the Vert.x event bus.",
  subcommands = {GatewayMain.TokenCommand.class, SubCommand.class, PubCommand.class})
public final class GatewayMain implements Callable<Integer> {

  /** Options shared by every command: where the configuration comes from. */
  static final class ConfigOptions {
    @Option(names = "--conf", paramLabel = "FILE", description = "YAML config file (default: ${DEFAULT-VALUE})",
      defaultValue = ConfigLoader.DEFAULT_FILE)
    String conf;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key; repeatable")
    List<String> sets = new ArrayList<>();

    GatewayConfig load() throws Exception {
      Vertx vertx = Vertx.vertx();
      try {
        return ConfigLoader.load(vertx, conf, System.getenv(), sets).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      } finally {
        vertx.close();
      }
    }
  }

  @Mixin
  ConfigOptions configOptions;

  public static void main(String[] args) {
    configureLogging(args.length > 0 && List.of("sub", "pub", "token").contains(args[0]));
    int code = new CommandLine(new GatewayMain())
      .setExecutionExceptionHandler((ex, cmd, parsed) -> {
        Throwable cause = ex instanceof ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
        if (cause instanceof io.pubsubgateway.cli.CliFailure f) {
          System.err.println("pubsub: " + f.getMessage());
          return f.status();
        }
        if (cause instanceof ConfigException) {
          System.err.println("pubsub-gateway: config error: " + cause.getMessage());
          return 2;
        }
        System.err.println("pubsub-gateway: " + cause);
        return 1;
      })
      .execute(args);
    if (code != 0 || args.length > 0 && (List.of("token", "sub", "pub").contains(args[0])
      || args[0].equals("--help")
      || args[0].equals("-h") || args[0].equals("--version") || args[0].equals("-V"))) {
      System.exit(code);
    }
  }

  private static void configureLogging(boolean clientCommand) {
    if (System.getProperty("logback.configurationFile") == null) {
      if (clientCommand) {
        System.setProperty("logback.configurationFile", "logback-cli.xml");
      } else if (Files.isReadable(Path.of("conf/logback.xml"))) {
        System.setProperty("logback.configurationFile", "conf/logback.xml");
      }
    }
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty("hazelcast.logging.type", "slf4j");
    System.setProperty("hazelcast.phone.home.enabled", "false");
  }

  @Override
  public Integer call() throws Exception {
    GatewayConfig config = configOptions.load();
    LogFormat.apply(config.logging().json());
    GatewayNode node = GatewayNode.start(config).toCompletionStage().toCompletableFuture().get();
    org.slf4j.LoggerFactory.getLogger(GatewayMain.class).info("pubsub-gateway listening on {}://{}:{}{} ({})",
      config.http().scheme(), config.http().host(), node.port(), config.http().path(),
      config.cluster().enabled() ? "clustered, " + node.clusterManager().getNodes().size() + " node(s)" : "standalone");
    installSignalHandlers(node);
    return 0;
  }

  private static void installSignalHandlers(GatewayNode node) {
    Runnable shutdown = () -> {
      int status = 0;
      try {
        node.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        org.slf4j.LoggerFactory.getLogger(GatewayMain.class).info("stopped");
      } catch (Exception e) {
        System.err.println("pubsub-gateway: unclean shutdown: " + e);
        status = 1;
      }
      if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
        logback.stop(); // flushes the async appender
      }
      System.exit(status);
    };
    sun.misc.SignalHandler handler = sig -> new Thread(shutdown, "gateway-shutdown").start();
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
  }

  /** Prints a signed token for development. */
  @Command(name = "token", mixinStandardHelpOptions = true,
    description = "Print a signed dev token for a user and channel patterns, using the configured key.")
  static final class TokenCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--sub", required = true, paramLabel = "USER", description = "User id (sub claim)")
    String sub;

    @Option(names = "--subscribe", paramLabel = "PATTERN", description = "Channel pattern to allow subscribing; repeatable")
    List<String> subscribe = new ArrayList<>();

    @Option(names = "--publish", paramLabel = "PATTERN", description = "Channel pattern to allow publishing; repeatable")
    List<String> publish = new ArrayList<>();

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "3600",
      description = "Lifetime in seconds; 0 for no exp (default: ${DEFAULT-VALUE})")
    int ttl;

    @Option(names = "--private-key", paramLabel = "PEM", description = "PKCS#8 private key file for RS256/ES256")
    Path privateKey;

    @Override
    public Integer call() throws Exception {
      GatewayConfig config = configOptions.load();
      Vertx vertx = Vertx.vertx();
      try {
        String pem = privateKey == null ? null : Files.readString(privateKey);
        System.out.println(new TokenMinter(vertx, config.auth().jwt(), pem).mint(sub, subscribe, publish, ttl));
      } finally {
        vertx.close();
      }
      return 0;
    }
  }
}
