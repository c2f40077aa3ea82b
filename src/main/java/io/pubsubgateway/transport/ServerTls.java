package io.pubsubgateway.transport;

import io.pubsubgateway.config.ConfigException;
import io.pubsubgateway.config.TlsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.KeyStoreOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.impl.KeyStoreHelper;

import javax.net.ssl.SSLException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collections;
import java.util.Set;

/**
 * The server side of {@code http.tls}: the Vert.x key material for the configured PEM pair or
 * keystore, and a check at node start that it loads, so a bad file ends as a
 * {@link ConfigException} naming its key instead of failing every handshake later.
 */
public final class ServerTls {
  /** Protocol versions the server accepts. */
  public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  private ServerTls() {
  }

  /** Turns on TLS in {@code options} when {@code tls} is enabled; otherwise leaves them alone. */
  static HttpServerOptions apply(HttpServerOptions options, TlsConfig tls) {
    if (!tls.enabled()) {
      return options;
    }
    return options.setSsl(true).setKeyCertOptions(keyCertOptions(tls)).setEnabledSecureTransportProtocols(PROTOCOLS);
  }

  static KeyCertOptions keyCertOptions(TlsConfig tls) {
    if (tls.usesKeyStore()) {
      return new KeyStoreOptions().setType(tls.keyStoreType()).setPath(tls.keyStoreFile())
        .setPassword(tls.keyStorePassword());
    }
    return new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile());
  }

  /**
   * Loads the key material as the server will (on a worker thread) and checks that it holds a
   * private key matching its certificate. Fails with a {@link ConfigException} whose message starts
   * with the key at fault; succeeds at once when TLS is off.
   */
  public static Future<Void> check(Vertx vertx, TlsConfig tls) {
    if (!tls.enabled()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      if (tls.usesKeyStore()) {
        checkKeyStore(vertx, tls);
      } else {
        checkPem(vertx, tls);
      }
      return null;
    }, false);
  }

  private static void checkPem(Vertx vertx, TlsConfig tls) {
    try (InputStream in = Files.newInputStream(Path.of(tls.certFile()))) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new ConfigException("http.tls.certFile: " + tls.certFile() + " holds no PEM certificate (BEGIN CERTIFICATE)");
      }
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      throw new ConfigException("http.tls.certFile: cannot parse the PEM certificate " + tls.certFile() + ": "
        + ConfigException.rootMessage(e), e);
    }
    KeyStore store;
    try {
      store = ((PemKeyCertOptions) keyCertOptions(tls)).loadKeyStore(vertx);
    } catch (Exception e) {
      throw new ConfigException("http.tls.keyFile: cannot load the PEM private key " + tls.keyFile() + ": "
        + ConfigException.rootMessage(e), e);
    }
    checkKeysMatch(store, KeyStoreHelper.DUMMY_PASSWORD.toCharArray(), "http.tls.keyFile", tls.keyFile() + " does not match the certificate in "
      + tls.certFile());
  }

  private static void checkKeyStore(Vertx vertx, TlsConfig tls) {
    KeyStoreOptions options = (KeyStoreOptions) keyCertOptions(tls);
    KeyStore store;
    try {
      store = options.loadKeyStore(vertx);
      options.getKeyManagerFactory(vertx);
    } catch (Exception e) {
      if (hasCause(e, UnrecoverableKeyException.class)) {
        throw new ConfigException("http.tls.keyStorePassword: wrong password for the " + tls.keyStoreType()
          + " keystore " + tls.keyStoreFile(), e);
      }
      throw new ConfigException("http.tls.keyStoreFile: cannot load the " + tls.keyStoreType() + " keystore "
        + tls.keyStoreFile() + ": " + ConfigException.rootMessage(e), e);
    }
    checkKeysMatch(store, tls.keyStorePassword().toCharArray(), "http.tls.keyStoreFile",
      tls.keyStoreFile() + " holds a private key that does not match its certificate");
  }

  /** Every key entry's private key must sign what its certificate's public key verifies. */
  private static void checkKeysMatch(KeyStore store, char[] password, String key, String mismatch) {
    int keys = 0;
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (!store.isKeyEntry(alias)) {
          continue;
        }
        keys++;
        Certificate cert = store.getCertificate(alias);
        if (store.getKey(alias, password) instanceof PrivateKey privateKey && cert != null
          && !matches(privateKey, cert.getPublicKey())) {
          throw new ConfigException(key + ": " + mismatch);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new ConfigException(key + ": cannot read the private key: " + ConfigException.rootMessage(e), e);
    }
    if (keys == 0) {
      throw new ConfigException(key + ": holds no private key entry (a server needs its key, not only certificates)");
    }
  }

  private static boolean matches(PrivateKey privateKey, PublicKey publicKey) throws GeneralSecurityException {
    String algorithm = switch (privateKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return true; // a key type we cannot probe: the TLS handshake will tell
    }
    byte[] probe = "pubsub-gateway key check".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(privateKey);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(publicKey);
    verifier.update(probe);
    return verifier.verify(signature);
  }

  /** True when a failed listen came from setting up TLS rather than from binding the port. */
  public static boolean isTlsFailure(Throwable err) {
    return hasCause(err, GeneralSecurityException.class) || hasCause(err, SSLException.class);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
