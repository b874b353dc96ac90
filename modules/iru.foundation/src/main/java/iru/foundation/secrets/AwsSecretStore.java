package iru.foundation.secrets;

import iru.foundation.config.AwsSecretsSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretVersionIdsRequest;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;

/**
 * Secrets from AWS Secrets Manager (`IRU_SECRETS=aws`). Secret `admin-token` is `<prefix>admin-token`; its
 * `AWSCURRENT` version is the current value. Its `AWSPREVIOUS` version is accepted only within the grace after the
 * current version was created, or after a pending rotation's `AWSPENDING` version was created, whichever is later:
 * a value rotated away stops working then, and a stuck rotation does not keep it alive. Every fetch asks Secrets
 * Manager: `ListSecretVersionIds` (labels and creation dates, without reading any value), then `GetSecretValue` of
 * the current version by id, and of the previous one only while it is accepted. IAM needs
 * `secretsmanager:ListSecretVersionIds`, `GetSecretValue`, and for {@link #store} `CreateSecret` and `PutSecretValue`.
 */
public final class AwsSecretStore implements SecretStore, AutoCloseable {
    private static final String CURRENT = "AWSCURRENT";
    private static final String PREVIOUS = "AWSPREVIOUS";
    private static final String PENDING = "AWSPENDING";

    private final SecretsManagerClient client;
    private final String prefix;
    private final Duration previousGrace;
    private final Clock clock;

    public AwsSecretStore(SecretsManagerClient client, String prefix, Duration previousGrace, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.previousGrace = Objects.requireNonNull(previousGrace, "previousGrace");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The real SDK client over the JDK's URL connection (no Netty, no Apache client on the module path). */
    public static AwsSecretStore create(AwsSecretsSettings settings, AwsCredentialsProvider credentials,
            Duration previousGrace, Clock clock) {
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create());
        settings.endpoint().ifPresent(builder::endpointOverride);
        return new AwsSecretStore(builder.build(), settings.prefix(), previousGrace, clock);
    }

    @Override
    public SecretVersions fetch(String name) {
        String secretId = prefix + SecretNames.requireValid(name);
        List<SecretVersionsListEntry> versions = versions(name, secretId);
        SecretVersionsListEntry current = labelled(versions, CURRENT)
                .orElseThrow(() -> new SecretUnavailableException(name, secretId + " has no AWSCURRENT version", null));
        Secret currentValue = value(name, secretId, current.versionId());
        Optional<Instant> acceptedUntil = previousAcceptedUntil(versions, current)
                .filter(clock.instant()::isBefore);
        Optional<SecretVersionsListEntry> previous = acceptedUntil.flatMap(until -> labelled(versions, PREVIOUS));
        return new SecretVersions(currentValue, previous.map(p ->
                new SecretVersions.Previous(value(name, secretId, p.versionId()), acceptedUntil.orElseThrow())));
    }

    /**
     * The later of the current version's and a pending rotation's creation, plus the grace. A pending version is
     * one labelled `AWSPENDING` that is not yet current. Without a creation date there is no acceptance: fail closed.
     */
    private Optional<Instant> previousAcceptedUntil(List<SecretVersionsListEntry> versions,
            SecretVersionsListEntry current) {
        if (current.createdDate() == null) {
            return Optional.empty();
        }
        Instant latest = versions.stream()
                .filter(v -> v.versionStages().contains(PENDING) && !v.versionStages().contains(CURRENT))
                .map(SecretVersionsListEntry::createdDate).filter(Objects::nonNull)
                .max(Comparator.naturalOrder())
                .filter(current.createdDate()::isBefore)
                .orElse(current.createdDate());
        return Optional.of(latest.plus(previousGrace));
    }

    private static Optional<SecretVersionsListEntry> labelled(List<SecretVersionsListEntry> versions, String stage) {
        return versions.stream().filter(v -> v.versionStages().contains(stage)).findFirst();
    }

    private List<SecretVersionsListEntry> versions(String name, String secretId) {
        try {
            List<SecretVersionsListEntry> all = new ArrayList<>();
            client.listSecretVersionIdsPaginator(ListSecretVersionIdsRequest.builder().secretId(secretId).build())
                    .forEach(page -> all.addAll(page.versions()));
            return all;
        } catch (ResourceNotFoundException e) {
            throw new SecretUnavailableException(name, "Secrets Manager has no secret " + secretId, e);
        } catch (SdkException e) {
            throw refused(name, secretId, "ListSecretVersionIds", e);
        }
    }

    private Secret value(String name, String secretId, String versionId) {
        try {
            String value = client.getSecretValue(GetSecretValueRequest.builder()
                    .secretId(secretId).versionId(versionId).build()).secretString();
            if (value == null || value.isEmpty()) {
                throw new SecretUnavailableException(name, "secret " + secretId + " (version " + versionId
                        + ") has no string value", null);
            }
            return new Secret(value);
        } catch (SdkException e) {
            throw refused(name, secretId, "GetSecretValue", e);
        }
    }

    /** CreateSecret, or PutSecretValue when it exists (also when another instance created it a moment ago). */
    @Override
    public void store(String name, Secret value) {
        String secretId = prefix + SecretNames.requireValid(name);
        try {
            client.createSecret(CreateSecretRequest.builder().name(secretId).secretString(value.reveal()).build());
        } catch (ResourceExistsException exists) {
            try {
                client.putSecretValue(PutSecretValueRequest.builder()
                        .secretId(secretId).secretString(value.reveal()).build());
            } catch (SdkException e) {
                throw refused(name, secretId, "PutSecretValue", e);
            }
        } catch (SdkException e) {
            throw refused(name, secretId, "CreateSecret", e);
        }
    }

    private static SecretUnavailableException refused(String name, String secretId, String operation,
            SdkException e) {
        return new SecretUnavailableException(name, "Secrets Manager refused " + operation + " of " + secretId + ": "
                + e.getMessage(), e);
    }

    @Override
    public void close() {
        client.close();
    }
}
