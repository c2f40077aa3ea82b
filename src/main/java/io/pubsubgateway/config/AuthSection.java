package io.pubsubgateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;

import static io.pubsubgateway.config.ConfigSchema.AUTH_ALLOW_ANONYMOUS;
import static io.pubsubgateway.config.ConfigSchema.AUTH_CONNECT_HOOK;
import static io.pubsubgateway.config.ConfigSchema.AUTH_CONNECT_HOOK_FAILURE;
import static io.pubsubgateway.config.ConfigSchema.AUTH_CONNECT_HOOK_TIMEOUT_MS;
import static io.pubsubgateway.config.ConfigSchema.AUTH_JWT_ALGORITHM;
import static io.pubsubgateway.config.ConfigSchema.AUTH_JWT_AUDIENCE;
import static io.pubsubgateway.config.ConfigSchema.AUTH_JWT_ISSUER;
import static io.pubsubgateway.config.ConfigSchema.AUTH_JWT_LEEWAY_SECONDS;
import static io.pubsubgateway.config.ConfigSchema.AUTH_JWT_PUBLIC_KEY_FILE;
import static io.pubsubgateway.config.ConfigSchema.AUTH_JWT_SECRET;
import static io.pubsubgateway.config.ConfigSchema.AUTH_JWT_SECRET_FILE;

/**
 * The {@code auth.*} and {@code auth.jwt.*} keys: the token algorithm and its key, read from its
 * file here so that a missing or weak key fails at start.
 */
final class AuthSection {
  private static final Set<String> ALGORITHMS = Set.of("HS256", "RS256", "ES256");
  private static final int MIN_SECRET_BYTES = 32;

  private AuthSection() {
  }

  static AuthConfig parse(ConfigValues v) {
    return new AuthConfig(jwt(v), v.get(AUTH_ALLOW_ANONYMOUS), HookSettings.connect(v.get(AUTH_CONNECT_HOOK),
      v.get(AUTH_CONNECT_HOOK_TIMEOUT_MS), v.get(AUTH_CONNECT_HOOK_FAILURE)));
  }

  private static JwtConfig jwt(ConfigValues v) {
    String algorithm = v.required(AUTH_JWT_ALGORITHM);
    if (!ALGORITHMS.contains(algorithm)) {
      throw AUTH_JWT_ALGORITHM.invalid("must be one of HS256, RS256, ES256, got " + algorithm);
    }
    String secret = null;
    String publicKey = null;
    if (algorithm.equals("HS256")) {
      secret = secret(v);
    } else {
      String keyFile = v.get(AUTH_JWT_PUBLIC_KEY_FILE);
      if (keyFile == null) {
        throw AUTH_JWT_PUBLIC_KEY_FILE.invalid("missing: " + algorithm + " needs a PEM public key file");
      }
      publicKey = readFile(AUTH_JWT_PUBLIC_KEY_FILE, keyFile);
      if (!publicKey.contains("-----BEGIN PUBLIC KEY-----")) {
        throw AUTH_JWT_PUBLIC_KEY_FILE.invalid(keyFile + " holds no PEM public key (BEGIN PUBLIC KEY)");
      }
    }
    return new JwtConfig(algorithm, secret, publicKey, v.get(AUTH_JWT_ISSUER), v.get(AUTH_JWT_AUDIENCE),
      v.get(AUTH_JWT_LEEWAY_SECONDS));
  }

  private static String secret(ConfigValues v) {
    String secret = v.get(AUTH_JWT_SECRET);
    String file = v.get(AUTH_JWT_SECRET_FILE);
    ConfigSchema.Key<String> key = AUTH_JWT_SECRET;
    if (secret != null && file != null) {
      throw AUTH_JWT_SECRET.invalid("set either auth.jwt.secret or auth.jwt.secretFile, not both");
    }
    if (file != null) {
      key = AUTH_JWT_SECRET_FILE;
      try {
        secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
      } catch (NoSuchFileException e) {
        throw AUTH_JWT_SECRET_FILE.invalid(file + " does not exist"
          + " (scripts/start-node.sh creates a random dev secret there on first start)");
      } catch (IOException e) {
        throw AUTH_JWT_SECRET_FILE.invalid("cannot read " + file + ": " + e.getMessage());
      }
    }
    if (secret == null || secret.isEmpty()) {
      throw AUTH_JWT_SECRET.invalid("missing: HS256 needs auth.jwt.secret or auth.jwt.secretFile");
    }
    if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES || secret.chars().distinct().count() < 8) {
      throw key.invalid("an HS256 secret must be at least " + MIN_SECRET_BYTES
        + " bytes of random text (refusing a short or placeholder secret)");
    }
    return secret;
  }

  private static String readFile(ConfigSchema.Key<String> key, String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw key.invalid("cannot read " + file + ": " + e.getClass().getSimpleName());
    }
  }
}
