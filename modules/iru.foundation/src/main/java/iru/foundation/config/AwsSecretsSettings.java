package iru.foundation.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where AWS Secrets Manager is.
 *
 * @param region   the AWS region of the endpoint, e.g. `us-east-2`
 * @param endpoint an endpoint override (a VPC endpoint, or a loopback server in tests); empty = AWS's own
 * @param prefix   prepended to secret names, so one account can hold several deployments' secrets
 */
public record AwsSecretsSettings(String region, Optional<URI> endpoint, String prefix) {
    public AwsSecretsSettings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(endpoint, "endpoint");
        prefix = prefix == null ? "" : prefix;
    }
}
