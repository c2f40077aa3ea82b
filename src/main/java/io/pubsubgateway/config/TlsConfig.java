package io.pubsubgateway.config;

import java.util.Locale;

/**
 * The {@code http.tls.*} keys. When {@code enabled}, either the PEM pair ({@code certFile} +
 * {@code keyFile}) or {@code keyStoreFile} (with {@code keyStorePassword}) is set, never both, and
 * each named file was readable when the configuration was loaded. Whether the files parse is
 * checked when the node starts ({@code transport.ServerTls}).
 */
public record TlsConfig(boolean enabled, String certFile, String keyFile, String keyStoreFile,
                        String keyStorePassword) {
  public static final boolean DEFAULT_ENABLED = false;
  /** TLS off, nothing configured. */
  public static final TlsConfig DISABLED = new TlsConfig(false, null, null, null, null);

  /** True when the key material is a keystore rather than the PEM pair. */
  public boolean usesKeyStore() {
    return keyStoreFile != null;
  }

  /** {@code JKS} for a {@code .jks} file, else {@code PKCS12} ({@code .p12}, {@code .pfx}, anything else). */
  public String keyStoreType() {
    return keyStoreFile != null && keyStoreFile.toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
  }

  /** Never prints the keystore password. */
  @Override
  public String toString() {
    return "TlsConfig[enabled=" + enabled + ", certFile=" + certFile + ", keyFile=" + keyFile + ", keyStoreFile="
      + keyStoreFile + ", keyStorePassword=" + (keyStorePassword == null ? null : "***") + "]";
  }
}
