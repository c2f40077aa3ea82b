package io.pubsubgateway.config;

/**
 * The {@code auth.jwt.*} keys. {@code secret} holds the HS256 key, already read from
 * {@code secretFile} when that was given; {@code publicKeyPem} the RS256/ES256 key read from
 * {@code publicKeyFile}.
 */
public record JwtConfig(String algorithm, String secret, String publicKeyPem, String issuer, String audience,
                        int leewaySeconds) {
}
