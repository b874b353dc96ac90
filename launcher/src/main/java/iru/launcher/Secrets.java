package iru.launcher;

import iru.foundation.config.IruConfig;
import iru.foundation.secrets.AwsSecretStore;
import iru.foundation.secrets.DevSecretStore;
import iru.foundation.secrets.SecretStore;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** Picks the secret store named by `IRU_SECRETS`: the dev store (environment, files) or AWS Secrets Manager. */
final class Secrets {
    private Secrets() {
    }

    static SecretStore store(IruConfig config) {
        return switch (config.secretsProvider()) {
            case "dev" -> new DevSecretStore(config.environment(), config.secretsPolicy().previousGrace(),
                    Clock.systemUTC());
            case "aws" -> AwsSecretStore.create(config.awsSecrets(), DefaultCredentialsProvider.builder().build(),
                    config.secretsPolicy().previousGrace(), Clock.systemUTC());
            default -> throw new IllegalStateException("IRU_SECRETS=" + config.secretsProvider() + " is not available");
        };
    }
}
