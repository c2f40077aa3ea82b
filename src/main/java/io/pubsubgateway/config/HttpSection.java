package io.pubsubgateway.config;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.pubsubgateway.config.ConfigSchema.HTTP_ALLOWED_ORIGINS;
import static io.pubsubgateway.config.ConfigSchema.HTTP_HOST;
import static io.pubsubgateway.config.ConfigSchema.HTTP_INSTANCES;
import static io.pubsubgateway.config.ConfigSchema.HTTP_PATH;
import static io.pubsubgateway.config.ConfigSchema.HTTP_PORT;
import static io.pubsubgateway.config.ConfigSchema.HTTP_TLS_CERT_FILE;
import static io.pubsubgateway.config.ConfigSchema.HTTP_TLS_ENABLED;
import static io.pubsubgateway.config.ConfigSchema.HTTP_TLS_KEY_FILE;
import static io.pubsubgateway.config.ConfigSchema.HTTP_TLS_KEY_STORE_FILE;
import static io.pubsubgateway.config.ConfigSchema.HTTP_TLS_KEY_STORE_PASSWORD;

/** The {@code http.*} and {@code http.tls.*} keys: where clients connect, and the server's TLS certificate. */
final class HttpSection {
  private HttpSection() {
  }

  static HttpConfig parse(ConfigValues v) {
    String path = v.get(HTTP_PATH);
    if (path == null || !path.startsWith("/")) {
      throw HTTP_PATH.invalid("must start with '/', got " + path);
    }
    return new HttpConfig(v.required(HTTP_HOST), v.get(HTTP_PORT), path, v.strings(HTTP_ALLOWED_ORIGINS),
      v.get(HTTP_INSTANCES), tls(v));
  }

  private static TlsConfig tls(ConfigValues v) {
    String cert = v.get(HTTP_TLS_CERT_FILE);
    String key = v.get(HTTP_TLS_KEY_FILE);
    String store = v.get(HTTP_TLS_KEY_STORE_FILE);
    String password = v.get(HTTP_TLS_KEY_STORE_PASSWORD);
    if (!v.get(HTTP_TLS_ENABLED)) {
      return new TlsConfig(false, cert, key, store, password);
    }
    boolean pem = cert != null || key != null;
    if (pem && store != null) {
      throw HTTP_TLS_KEY_STORE_FILE.invalid("set either the PEM pair (http.tls.certFile, http.tls.keyFile)"
        + " or a keystore (http.tls.keyStoreFile), not both");
    }
    if (!pem && store == null) {
      throw HTTP_TLS_CERT_FILE.invalid("missing: http.tls.enabled needs a PEM certificate and key"
        + " (http.tls.certFile, http.tls.keyFile) or a keystore (http.tls.keyStoreFile)");
    }
    if (pem && cert == null) {
      throw HTTP_TLS_CERT_FILE.invalid("missing: http.tls.keyFile needs its PEM certificate chain");
    }
    if (pem && key == null) {
      throw HTTP_TLS_KEY_FILE.invalid("missing: http.tls.certFile needs its PEM private key");
    }
    if (store != null && password == null) {
      throw HTTP_TLS_KEY_STORE_PASSWORD.invalid("missing: the keystore http.tls.keyStoreFile needs its password");
    }
    if (pem) {
      checkReadable(HTTP_TLS_CERT_FILE, cert);
      checkReadable(HTTP_TLS_KEY_FILE, key);
    } else {
      checkReadable(HTTP_TLS_KEY_STORE_FILE, store);
    }
    return new TlsConfig(true, cert, key, store, password);
  }

  private static void checkReadable(ConfigSchema.Key<String> key, String file) {
    Path path = Path.of(file);
    if (!Files.exists(path)) {
      throw key.invalid(file + " does not exist");
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw key.invalid("cannot read " + file + " (not a readable file)");
    }
  }
}
