package io.pubsubgateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;

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
    return new AuthConfig(jwt(v), v.bool("auth.allowAnonymous"));
  }

  private static JwtConfig jwt(ConfigValues v) {
    String algorithm = v.required("auth.jwt.algorithm");
    if (!ALGORITHMS.contains(algorithm)) {
      throw new ConfigException("auth.jwt.algorithm: must be one of HS256, RS256, ES256, got " + algorithm);
    }
    String secret = null;
    String publicKey = null;
    if (algorithm.equals("HS256")) {
      secret = secret(v);
    } else {
      String keyFile = v.str("auth.jwt.publicKeyFile");
      if (keyFile == null) {
        throw new ConfigException("auth.jwt.publicKeyFile: missing: " + algorithm + " needs a PEM public key file");
      }
      publicKey = readFile("auth.jwt.publicKeyFile", keyFile);
      if (!publicKey.contains("-----BEGIN PUBLIC KEY-----")) {
        throw new ConfigException("auth.jwt.publicKeyFile: " + keyFile + " holds no PEM public key (BEGIN PUBLIC KEY)");
      }
    }
    return new JwtConfig(algorithm, secret, publicKey, v.str("auth.jwt.issuer"), v.str("auth.jwt.audience"),
      v.integer("auth.jwt.leewaySeconds"));
  }

  private static String secret(ConfigValues v) {
    String secret = v.str("auth.jwt.secret");
    String file = v.str("auth.jwt.secretFile");
    String key = "auth.jwt.secret";
    if (secret != null && file != null) {
      throw new ConfigException("auth.jwt.secret: set either auth.jwt.secret or auth.jwt.secretFile, not both");
    }
    if (file != null) {
      key = "auth.jwt.secretFile";
      try {
        secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
      } catch (NoSuchFileException e) {
        throw new ConfigException("auth.jwt.secretFile: " + file + " does not exist"
          + " (scripts/start-node.sh creates a random dev secret there on first start)");
      } catch (IOException e) {
        throw new ConfigException("auth.jwt.secretFile: cannot read " + file + ": " + e.getMessage());
      }
    }
    if (secret == null || secret.isEmpty()) {
      throw new ConfigException("auth.jwt.secret: missing: HS256 needs auth.jwt.secret or auth.jwt.secretFile");
    }
    if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES || secret.chars().distinct().count() < 8) {
      throw new ConfigException(key + ": an HS256 secret must be at least " + MIN_SECRET_BYTES
        + " bytes of random text (refusing a short or placeholder secret)");
    }
    return secret;
  }

  private static String readFile(String key, String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(key + ": cannot read " + file + ": " + e.getClass().getSimpleName());
    }
  }
}
