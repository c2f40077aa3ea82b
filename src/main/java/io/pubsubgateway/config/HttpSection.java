package io.pubsubgateway.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code http.*} and {@code http.tls.*} keys: where clients connect, and the server's TLS certificate. */
final class HttpSection {
  private HttpSection() {
  }

  static HttpConfig parse(ConfigValues v) {
    String path = v.str("http.path");
    if (path == null || !path.startsWith("/")) {
      throw new ConfigException("http.path: must start with '/', got " + path);
    }
    return new HttpConfig(v.required("http.host"), v.integer("http.port"), path, v.strings("http.allowedOrigins"),
      v.integer("http.instances"), tls(v));
  }

  private static TlsConfig tls(ConfigValues v) {
    String cert = v.str("http.tls.certFile");
    String key = v.str("http.tls.keyFile");
    String store = v.str("http.tls.keyStoreFile");
    String password = v.str("http.tls.keyStorePassword");
    if (!v.bool("http.tls.enabled")) {
      return new TlsConfig(false, cert, key, store, password);
    }
    boolean pem = cert != null || key != null;
    if (pem && store != null) {
      throw new ConfigException("http.tls.keyStoreFile: set either the PEM pair (http.tls.certFile, http.tls.keyFile)"
        + " or a keystore (http.tls.keyStoreFile), not both");
    }
    if (!pem && store == null) {
      throw new ConfigException("http.tls.certFile: missing: http.tls.enabled needs a PEM certificate and key"
        + " (http.tls.certFile, http.tls.keyFile) or a keystore (http.tls.keyStoreFile)");
    }
    if (pem && cert == null) {
      throw new ConfigException("http.tls.certFile: missing: http.tls.keyFile needs its PEM certificate chain");
    }
    if (pem && key == null) {
      throw new ConfigException("http.tls.keyFile: missing: http.tls.certFile needs its PEM private key");
    }
    if (store != null && password == null) {
      throw new ConfigException("http.tls.keyStorePassword: missing: the keystore http.tls.keyStoreFile needs its password");
    }
    if (pem) {
      checkReadable("http.tls.certFile", cert);
      checkReadable("http.tls.keyFile", key);
    } else {
      checkReadable("http.tls.keyStoreFile", store);
    }
    return new TlsConfig(true, cert, key, store, password);
  }

  private static void checkReadable(String key, String file) {
    Path path = Path.of(file);
    if (!Files.exists(path)) {
      throw new ConfigException(key + ": " + file + " does not exist");
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigException(key + ": cannot read " + file + " (not a readable file)");
    }
  }
}
