package io.pubsubgateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.core.net.impl.KeyStoreHelper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A self-signed certificate for {@code localhost} generated at test time, as the PEM pair the
 * server loads ({@code cert}, {@code key}); {@code cert} is also what a client trusts.
 */
public record TestCerts(Path cert, Path key) {
  public static final String PASSWORD = "changeit";

  /** A fresh certificate and key for {@code localhost} (no IP address in it), copied into {@code dir}. */
  public static TestCerts create(Path dir, String name) throws IOException {
    SelfSignedCertificate generated = SelfSignedCertificate.create("localhost");
    Path cert = Files.copy(Path.of(generated.certificatePath()), dir.resolve(name + "-cert.pem"));
    Path key = Files.copy(Path.of(generated.privateKeyPath()), dir.resolve(name + "-key.pem"));
    generated.delete();
    return new TestCerts(cert, key);
  }

  /** The same key and certificate in a keystore of {@code type} (PKCS12, JKS) with {@link #PASSWORD}. */
  public Path keyStore(Vertx vertx, String type, Path file) throws Exception {
    KeyStore pem = new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()).loadKeyStore(vertx);
    String alias = pem.aliases().nextElement();
    KeyStore store = KeyStore.getInstance(type);
    store.load(null, null);
    store.setKeyEntry("gateway", pem.getKey(alias, KeyStoreHelper.DUMMY_PASSWORD.toCharArray()),
      PASSWORD.toCharArray(), pem.getCertificateChain(alias));
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, PASSWORD.toCharArray());
    }
    return file;
  }

  /** A PKCS12 keystore holding only the certificate (a trust store: no private key). */
  public Path certificateOnlyKeyStore(Path file) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(in);
      store.setCertificateEntry("gateway", c);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, PASSWORD.toCharArray());
    }
    return file;
  }

  /** The RSA key rewritten as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), as older openssl versions write it. */
  public Path pkcs1Key(Path file) throws IOException {
    byte[] pkcs8 = der(key);
    // PKCS#8 of RSA: SEQUENCE { INTEGER 0, SEQUENCE { rsaEncryption, NULL }, OCTET STRING { PKCS#1 } }
    byte[] header = {0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
      0x01, 0x01, 0x01, 0x05, 0x00, 0x04, (byte) 0x82};
    if (!Arrays.equals(Arrays.copyOfRange(pkcs8, 4, 4 + header.length), header)) {
      throw new IllegalStateException("not an RSA PKCS#8 key with long-form lengths: " + key);
    }
    byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 4 + header.length + 2, pkcs8.length);
    Files.writeString(file, "-----BEGIN RSA PRIVATE KEY-----\n"
      + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs1)
      + "\n-----END RSA PRIVATE KEY-----\n");
    return file;
  }

  private static byte[] der(Path pem) throws IOException {
    List<String> lines = Files.readAllLines(pem);
    return Base64.getMimeDecoder().decode(String.join("", lines.stream().filter(l -> !l.startsWith("-----")).toList()));
  }
}
