package io.pubsubgateway.config;

/**
 * The {@code auth.jwt.*} keys. {@code secret} holds the HS256 key, already read from
 * {@code secretFile} when that was given; {@code publicKeyPem} the RS256/ES256 key read from
 * {@code publicKeyFile}.
 */
public record JwtConfig(String algorithm, String secret, String publicKeyPem, String issuer, String audience,
                        int leewaySeconds) {
  public static final String DEFAULT_ALGORITHM = "HS256";
  /** Clock skew tolerated on {@code exp}/{@code nbf}/{@code iat}. */
  public static final int DEFAULT_LEEWAY_SECONDS = 5;
}
