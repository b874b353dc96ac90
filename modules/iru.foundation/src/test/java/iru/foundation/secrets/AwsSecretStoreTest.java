package iru.foundation.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.foundation.config.AwsSecretsSettings;
import iru.testkit.LoopbackSecretsManager;
import iru.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The real AWS SDK v2 client against a loopback server speaking the Secrets Manager protocol. */
class AwsSecretStoreTest {
    static final Duration GRACE = Duration.ofHours(1);
    static final String ID = "iru/test/admin-token";

    TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));
    LoopbackSecretsManager aws;
    AwsSecretStore store;

    @BeforeEach
    void start() {
        aws = LoopbackSecretsManager.start(clock);
        store = against(aws, "iru/test/", clock);
    }

    /** The real SDK client with static credentials, signing for us-east-2, against the loopback server. */
    static AwsSecretStore against(LoopbackSecretsManager aws, String prefix, TestClock clock) {
        return AwsSecretStore.create(new AwsSecretsSettings("us-east-2", Optional.of(aws.endpoint()), prefix),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG")),
                GRACE, clock);
    }

    @AfterEach
    void stop() {
        store.close();
        aws.close();
    }

    /** The accepted values in order, revealed for assertions. */
    static List<String> acceptable(SecretVersions versions) {
        return versions.acceptable().stream().map(Secret::reveal).toList();
    }

    @Test
    void fetchesTheCurrentVersionWithSignedRequestsAndNoCache() {
        aws.put(ID, "first");
        assertEquals(List.of("first"), acceptable(store.fetch("admin-token")));
        assertEquals(List.of("first"), acceptable(store.fetch("admin-token")));
        assertEquals(2, aws.callsFor(ID, "AWSCURRENT"), "no caching: every fetch asks");
        assertEquals(2, aws.operations("ListSecretVersionIds", ID));
        assertTrue(aws.calls().stream().allMatch(c -> c.authorization().contains("Credential=AKIDEXAMPLE/")
                && c.authorization().contains("/us-east-2/secretsmanager/aws4_request")), aws.calls().toString());
    }

    @Test
    void previousIsAcceptedWithinTheGraceAfterARotation() {
        aws.put(ID, "first");
        clock.advance(Duration.ofDays(3));
        Instant rotatedAt = clock.instant();
        aws.rotate(ID, "second");
        clock.advance(GRACE.minusSeconds(1));

        SecretVersions versions = store.fetch("admin-token");
        assertEquals(List.of("second", "first"), acceptable(versions));
        assertEquals(rotatedAt.plus(GRACE), versions.previous().orElseThrow().acceptedUntil());
    }

    @Test
    void leakedPreviousIsRefusedOnceTheGraceIsOverAndNeverEvenRead() {
        aws.put(ID, "first");
        aws.rotate(ID, "second");
        assertEquals(List.of("second", "first"), acceptable(store.fetch("admin-token")));
        long previousReads = aws.callsFor(ID, "AWSPREVIOUS");

        clock.advance(GRACE);
        SecretVersions after = store.fetch("admin-token");
        assertEquals(List.of("second"), acceptable(after), "still AWSPREVIOUS in Secrets Manager, refused here");
        assertEquals(previousReads, aws.callsFor(ID, "AWSPREVIOUS"), "the refused value is not fetched at all");
        clock.advance(Duration.ofDays(30));
        assertEquals(List.of("second"), acceptable(store.fetch("admin-token")));
    }

    @Test
    void previousIsAcceptedWhileARotationIsPendingButAStuckRotationDoesNotKeepItAlive() {
        aws.put(ID, "first");
        aws.rotate(ID, "second");
        clock.advance(GRACE.plusHours(1));
        assertEquals(List.of("second"), acceptable(store.fetch("admin-token")));

        aws.beginRotation(ID, "third"); // AWSPENDING: AWSCURRENT has not moved yet
        clock.advance(Duration.ofMinutes(10));
        assertEquals(List.of("second", "first"), acceptable(store.fetch("admin-token")));

        clock.advance(GRACE);
        assertEquals(List.of("second"), acceptable(store.fetch("admin-token")), "pending for longer than the grace");
    }

    @Test
    void finishingARotationAcceptsTheReplacedValueForTheRestOfTheGrace() {
        aws.put(ID, "first");
        clock.advance(Duration.ofDays(1));
        aws.beginRotation(ID, "second");
        clock.advance(Duration.ofMinutes(5));
        aws.finishRotation(ID);
        assertEquals(List.of("second", "first"), acceptable(store.fetch("admin-token")));
        clock.advance(GRACE.minusMinutes(5));
        assertEquals(List.of("second"), acceptable(store.fetch("admin-token")),
                "the grace runs from the creation of the new version");
    }

    @Test
    void storeCreatesTheSecretThenPutsNewVersionsThatMoveTheLabels() {
        store.store("scim/tenant-1/app_2", new Secret("v1"));
        assertEquals(List.of("v1"), acceptable(store.fetch("scim/tenant-1/app_2")));

        clock.advance(Duration.ofMinutes(1));
        store.store("scim/tenant-1/app_2", new Secret("v2 \"quoted\" \\ and\nnewline"));
        assertEquals(List.of("v2 \"quoted\" \\ and\nnewline", "v1"), acceptable(store.fetch("scim/tenant-1/app_2")));
        assertEquals(2, aws.operations("CreateSecret", "iru/test/scim/tenant-1/app_2"), "the second found it existing");
        assertEquals(1, aws.operations("PutSecretValue", "iru/test/scim/tenant-1/app_2"));

        clock.advance(GRACE);
        assertEquals(List.of("v2 \"quoted\" \\ and\nnewline"), acceptable(store.fetch("scim/tenant-1/app_2")));
    }

    @Test
    void namesThatCouldEscapeTheirPlaceAreRefusedBeforeAnyCall() {
        for (String bad : new String[] {"", "../admin-token", "scim/t/../admin-token", "scim//x", "scim/", "/scim",
                "Admin-Token", "scim/t/app 1", "scim/t/app.1", "scim\\t", "a".repeat(SecretNames.MAX_LENGTH + 1),
                "-leading"}) {
            assertThrows(IllegalArgumentException.class, () -> store.store(bad, new Secret("x")), bad);
            assertThrows(IllegalArgumentException.class, () -> store.fetch(bad), bad);
        }
        assertTrue(aws.calls().isEmpty(), aws.calls().toString());
    }

    @Test
    void missingSecretIsAClearErrorNotADefault() {
        var e = assertThrows(SecretUnavailableException.class, () -> store.fetch("catalog-token"));
        assertTrue(e.getMessage().contains("iru/test/catalog-token"), e.getMessage());
    }

    @Test
    void unreachableServiceIsAClearErrorForReadsAndWrites() {
        aws.close();
        var read = assertThrows(SecretUnavailableException.class, () -> store.fetch("admin-token"));
        assertTrue(read.getMessage().contains("Secrets Manager refused ListSecretVersionIds of iru/test/admin-token"),
                read.getMessage());
        var write = assertThrows(SecretUnavailableException.class, () -> store.store("x", new Secret("hunter2")));
        assertTrue(write.getMessage().contains("CreateSecret of iru/test/x"), write.getMessage());
        assertFalse(write.getMessage().contains("hunter2"), write.getMessage());
    }
}
