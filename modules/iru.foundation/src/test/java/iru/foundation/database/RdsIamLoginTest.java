package iru.foundation.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import iru.foundation.config.DatabaseCredentials;
import iru.foundation.config.IruConfig;
import iru.foundation.migration.MigratedDatabases;
import iru.testkit.TestDatabases;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** RDS IAM tokens from the real AWS SDK: signed per region, fresh per connection, and accepted by the pools. */
class RdsIamLoginTest {
    static TestDatabases databases;

    @BeforeAll
    static void migrate() {
        databases = TestDatabases.create("t_rds_iam");
        MigratedDatabases.migrate(databases);
    }

    @AfterAll
    static void drop() {
        databases.close();
    }

    @Test
    void tokenIsASigV4PresignedConnectRequestForTheDatabasesOwnRegion() {
        RdsIamLogin login = new RdsIamLogin(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG")),
                url -> url.contains("iru_eu") ? "eu-central-1" : "us-east-2");
        DatabaseCredentials app = new DatabaseCredentials("iru_tenant", "");
        String token = login.passwordFor("jdbc:postgresql://eu-db.example.internal:5432/iru_eu", app);
        assertTrue(token.startsWith("eu-db.example.internal:5432/?"), token);
        assertTrue(token.contains("Action=connect") && token.contains("DBUser=iru_tenant"), token);
        assertTrue(token.contains("X-Amz-Credential=AKIDEXAMPLE%2F") && token.contains("%2Feu-central-1%2Frds-db%2Faws4_request"),
                token);
        assertTrue(token.contains("X-Amz-Signature="), token);
        String us = login.passwordFor("jdbc:postgresql://us-db.example.internal/iru_us", app);
        assertTrue(us.startsWith("us-db.example.internal:5432/?") && us.contains("%2Fus-east-2%2F"), us);
        assertNotEquals(token, us);
    }

    @Test
    void poolsLogInWithTokensWhenIamAuthenticationIsConfigured() {
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG");
        Map<String, String> env = new HashMap<>(databases.environment());
        env.put("IRU_DB_AUTH", "iam");
        env.put("IRU_DB_TENANT_PASSWORD", "never-used-with-iam");
        IruConfig config = IruConfig.from(env);
        assertTrue(config.database().iamAuthentication());
        assertEquals("eu-central-1", config.database().awsRegionOf(databases.url("eu")));
        assertEquals("us-east-2", config.database().awsRegionOf(databases.url("directory")));
        // The local server trusts its clients, so a token logs in like any password would; what matters here is
        // that every pool opened its connections through the token login.
        try (RegionalDatabases pools = RegionalDatabases.open(config.database(), config.servedRegions(),
                config.database().tenantRuntime(), OpenTelemetry.noop())) {
            assertTrue(pools.ping().values().stream().allMatch(DatabasePing::ok), pools.ping().toString());
            new TenantRegionRouter(pools).verifyRegionIdentities();
        }
        assertTrue(DatabaseLogins.forSettings(config.database()) instanceof RdsIamLogin);
    }
}
