package iru.foundation.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.foundation.config.AwsSecretsSettings;
import iru.testkit.LoopbackSecretsManager;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The real AWS SDK v2 client against a loopback server speaking the Secrets Manager protocol. */
class AwsSecretStoreTest {
    LoopbackSecretsManager aws;
    AwsSecretStore store;

    @BeforeEach
    void start() {
        aws = LoopbackSecretsManager.start();
        store = AwsSecretStore.create(new AwsSecretsSettings("us-east-2", Optional.of(aws.endpoint()), "iru/test/"),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG")));
    }

    @AfterEach
    void stop() {
        store.close();
        aws.close();
    }

    @Test
    void fetchesCurrentAndPreviousVersionStagesWithSignedRequests() {
        aws.put("iru/test/admin-token", "first");
        SecretVersions before = store.fetch("admin-token");
        assertEquals("first", before.current().reveal());
        assertTrue(before.previous().isEmpty());

        aws.rotate("iru/test/admin-token", "second");
        SecretVersions after = store.fetch("admin-token");
        assertEquals("second", after.current().reveal());
        assertEquals("first", after.previous().orElseThrow().reveal());

        assertEquals(2, aws.callsFor("iru/test/admin-token", "AWSCURRENT"), "no caching: every fetch asks");
        assertTrue(aws.calls().stream().allMatch(c -> c.authorization().contains("Credential=AKIDEXAMPLE/")
                && c.authorization().contains("/us-east-2/secretsmanager/aws4_request")), aws.calls().toString());
    }

    @Test
    void missingSecretIsAClearErrorNotADefault() {
        var e = assertThrows(SecretUnavailableException.class, () -> store.fetch("catalog-token"));
        assertTrue(e.getMessage().contains("iru/test/catalog-token"), e.getMessage());
    }

    @Test
    void unreachableServiceIsAClearError() {
        aws.close();
        var e = assertThrows(SecretUnavailableException.class, () -> store.fetch("admin-token"));
        assertTrue(e.getMessage().contains("Secrets Manager refused iru/test/admin-token"), e.getMessage());
    }
}
