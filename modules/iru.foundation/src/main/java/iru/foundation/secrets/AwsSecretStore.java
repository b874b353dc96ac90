package iru.foundation.secrets;

import iru.foundation.config.AwsSecretsSettings;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Secrets from AWS Secrets Manager (`IRU_SECRETS=aws`). Secret `admin-token` is `<prefix>admin-token`; its
 * `AWSCURRENT` version is the current value and its `AWSPREVIOUS` version, while a rotation is in progress, the
 * previous one. Every fetch asks Secrets Manager; there is no cache to go stale after a rotation.
 */
public final class AwsSecretStore implements SecretStore, AutoCloseable {
    private static final String CURRENT = "AWSCURRENT";
    private static final String PREVIOUS = "AWSPREVIOUS";

    private final SecretsManagerClient client;
    private final String prefix;

    public AwsSecretStore(SecretsManagerClient client, String prefix) {
        this.client = client;
        this.prefix = prefix;
    }

    /** The real SDK client over the JDK's URL connection (no Netty, no Apache client on the module path). */
    public static AwsSecretStore create(AwsSecretsSettings settings, AwsCredentialsProvider credentials) {
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create());
        settings.endpoint().ifPresent(builder::endpointOverride);
        return new AwsSecretStore(builder.build(), settings.prefix());
    }

    @Override
    public SecretVersions fetch(String name) {
        String secretId = prefix + name;
        Secret current = version(name, secretId, CURRENT)
                .orElseThrow(() -> new SecretUnavailableException(name, "Secrets Manager has no secret " + secretId, null));
        return new SecretVersions(current, version(name, secretId, PREVIOUS));
    }

    private Optional<Secret> version(String name, String secretId, String stage) {
        try {
            GetSecretValueResponse response = client.getSecretValue(GetSecretValueRequest.builder()
                    .secretId(secretId).versionStage(stage).build());
            String value = response.secretString();
            if (value == null || value.isEmpty()) {
                throw new SecretUnavailableException(name, "secret " + secretId + " (" + stage + ") has no string value",
                        null);
            }
            return Optional.of(new Secret(value));
        } catch (ResourceNotFoundException e) {
            return Optional.empty(); // no such secret, or no version in this stage (no rotation in progress)
        } catch (SdkException e) {
            throw new SecretUnavailableException(name, "Secrets Manager refused " + secretId + " (" + stage + "): "
                    + e.getMessage(), e);
        }
    }

    /** A new `AWSCURRENT` version of `<prefix><name>` (the old one becomes `AWSPREVIOUS`), creating the secret once. */
    @Override
    public void store(String name, String value) {
        String secretId = prefix + name;
        try {
            try {
                client.putSecretValue(PutSecretValueRequest.builder().secretId(secretId).secretString(value).build());
            } catch (ResourceNotFoundException e) {
                client.createSecret(CreateSecretRequest.builder().name(secretId).secretString(value).build());
            }
        } catch (SdkException e) {
            throw new SecretUnavailableException(name, "Secrets Manager refused to store " + secretId + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
