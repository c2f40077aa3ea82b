package io.pubsubgateway.transport;

import io.pubsubgateway.config.ConfigException;
import io.pubsubgateway.config.TlsConfig;
import io.pubsubgateway.testing.TestCerts;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key material check at node start: what loads, and which key each bad file is reported under. */
class ServerTlsTest {
  @TempDir
  static Path tmp;
  private static Vertx vertx;
  private static TestCerts certs;
  private static TestCerts other;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    certs = TestCerts.create(tmp, "server");
    other = TestCerts.create(tmp, "other");
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static TlsConfig pem(Path cert, Path key) {
    return new TlsConfig(true, cert.toString(), key.toString(), null, null);
  }

  private static TlsConfig store(Path file, String password) {
    return new TlsConfig(true, null, null, file.toString(), password);
  }

  private static void loads(TlsConfig tls) throws Exception {
    ServerTls.check(vertx, tls).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String fails(TlsConfig tls) {
    ExecutionException e = assertThrows(ExecutionException.class,
      () -> ServerTls.check(vertx, tls).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    String message = assertInstanceOf(ConfigException.class, e.getCause()).getMessage();
    assertFalse(message.contains("\n"), message);
    return message;
  }

  private static void assertStartsWith(String prefix, String message) {
    assertTrue(message.startsWith(prefix), "expected <" + prefix + "...> but was <" + message + ">");
  }

  private static Path write(String name, String content) throws Exception {
    return Files.writeString(tmp.resolve(name), content);
  }

  @Test
  void disabledChecksNothing() throws Exception {
    loads(TlsConfig.DISABLED);
  }

  @Test
  void thePemPairLoadsWithAPkcs8OrAPkcs1Key() throws Exception {
    loads(pem(certs.cert(), certs.key()));
    loads(pem(certs.cert(), certs.pkcs1Key(tmp.resolve("pkcs1.pem"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PKCS12", "JKS"})
  void aKeyStoreLoads(String type) throws Exception {
    loads(store(certs.keyStore(vertx, type, tmp.resolve("ok-" + type + (type.equals("JKS") ? ".jks" : ".p12"))),
      TestCerts.PASSWORD));
  }

  @Test
  void anUnparseableCertificateNamesCertFile() throws Exception {
    Path garbage = write("garbage-cert.pem", "hello\n");
    assertStartsWith("http.tls.certFile: ", fails(pem(garbage, certs.key())));
    Path truncated = write("truncated-cert.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    assertStartsWith("http.tls.certFile: cannot parse the PEM certificate " + truncated, fails(pem(truncated, certs.key())));
  }

  @Test
  void anUnparseableKeyNamesKeyFile() throws Exception {
    Path garbage = write("garbage-key.pem", "hello\n");
    assertStartsWith("http.tls.keyFile: cannot load the PEM private key " + garbage, fails(pem(certs.cert(), garbage)));
    // a certificate where the key should be
    assertStartsWith("http.tls.keyFile: cannot load the PEM private key", fails(pem(certs.cert(), certs.cert())));
  }

  @Test
  void aKeyOfAnotherCertificateNamesKeyFile() {
    assertStartsWith("http.tls.keyFile: " + other.key() + " does not match the certificate in " + certs.cert(),
      fails(pem(certs.cert(), other.key())));
  }

  @Test
  void aWrongKeyStorePasswordNamesThePassword() throws Exception {
    Path p12 = certs.keyStore(vertx, "PKCS12", tmp.resolve("pw.p12"));
    assertStartsWith("http.tls.keyStorePassword: wrong password for the PKCS12 keystore " + p12,
      fails(store(p12, "wrong")));
    Path jks = certs.keyStore(vertx, "JKS", tmp.resolve("pw.jks"));
    assertStartsWith("http.tls.keyStorePassword: wrong password for the JKS keystore " + jks, fails(store(jks, "wrong")));
  }

  @Test
  void anUnparseableKeyStoreNamesKeyStoreFile() throws Exception {
    Path garbage = write("garbage.p12", "hello\n");
    assertStartsWith("http.tls.keyStoreFile: cannot load the PKCS12 keystore " + garbage,
      fails(store(garbage, TestCerts.PASSWORD)));
    Path jks = write("garbage.jks", "hello\n");
    assertStartsWith("http.tls.keyStoreFile: cannot load the JKS keystore " + jks, fails(store(jks, TestCerts.PASSWORD)));
  }

  @Test
  void aPkcs12FileNamedJksLoadsToo() throws Exception {
    // the JDK's JKS keystore reads PKCS12 files as well (keystore.type.compat)
    loads(store(certs.keyStore(vertx, "PKCS12", tmp.resolve("really-pkcs12.jks")), TestCerts.PASSWORD));
  }

  @Test
  void aKeyStoreWithoutAPrivateKeyNamesKeyStoreFile() throws Exception {
    Path trustStore = certs.certificateOnlyKeyStore(tmp.resolve("trust.p12"));
    assertStartsWith("http.tls.keyStoreFile: holds no private key entry", fails(store(trustStore, TestCerts.PASSWORD)));
  }
}
