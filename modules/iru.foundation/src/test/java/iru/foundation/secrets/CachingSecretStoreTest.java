package iru.foundation.secrets;

import static iru.foundation.secrets.AwsSecretStoreTest.acceptable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import iru.testkit.LoopbackSecretsManager;
import iru.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cache in front of the real SDK store and the loopback Secrets Manager, which counts every request. */
class CachingSecretStoreTest {
    static final Duration GRACE = AwsSecretStoreTest.GRACE;
    static final Duration TTL = Duration.ofSeconds(30);
    static final String ID = "iru/admin-token";

    TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));
    LoopbackSecretsManager aws;
    AwsSecretStore awsStore;
    CachingSecretStore store;

    @BeforeEach
    void start() {
        aws = LoopbackSecretsManager.start(clock);
        awsStore = AwsSecretStoreTest.against(aws, "iru/", clock);
        store = new CachingSecretStore(awsStore, TTL, clock);
    }

    @AfterEach
    void stop() {
        awsStore.close();
        aws.close();
    }

    @Test
    void requestsWithinTheTimeToLiveFetchOnceAndARotationIsSeenAfterIt() {
        aws.put(ID, "first");
        for (int i = 0; i < 20; i++) {
            assertEquals(List.of("first"), acceptable(store.fetch("admin-token")));
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(1, aws.operations("ListSecretVersionIds", ID));
        assertEquals(1, aws.operations("GetSecretValue", ID));

        aws.rotate(ID, "second");
        assertEquals(List.of("first"), acceptable(store.fetch("admin-token")), "within the time to live");
        clock.advance(TTL.minusSeconds(20));
        assertEquals(List.of("second", "first"), acceptable(store.fetch("admin-token")));
        assertEquals(2, aws.operations("ListSecretVersionIds", ID));
    }

    @Test
    void aCachedPreviousValueIsNotAcceptedPastItsGrace() {
        aws.put(ID, "first");
        aws.rotate(ID, "second");
        clock.advance(GRACE.minusSeconds(5));
        assertEquals(List.of("second", "first"), acceptable(store.fetch("admin-token")));

        clock.advance(Duration.ofSeconds(5)); // well within the time to live, but the grace is over
        assertEquals(List.of("second"), acceptable(store.fetch("admin-token")));
    }

    @Test
    void failuresAreNotCached() {
        assertThrows(SecretUnavailableException.class, () -> store.fetch("admin-token"));
        aws.put(ID, "first");
        assertEquals(List.of("first"), acceptable(store.fetch("admin-token")));
    }

    @Test
    void aWriteThroughTheCacheIsReadBackAtOnce() {
        store.store("scim/t1/app", new Secret("one"));
        assertEquals(List.of("one"), acceptable(store.fetch("scim/t1/app")));
        store.store("scim/t1/app", new Secret("two"));
        assertEquals(List.of("two", "one"), acceptable(store.fetch("scim/t1/app")));
    }
}
