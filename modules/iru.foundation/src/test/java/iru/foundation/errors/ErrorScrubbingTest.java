package iru.foundation.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.foundation.logging.StructuredLog;
import iru.testkit.LoopbackCollector;
import iru.testkit.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * Real PostgreSQL failures whose messages quote row values are captured, and what the error reporter writes or sends
 * carries the SQLSTATE, the constraint and the SQL shape but none of the values.
 */
class ErrorScrubbingTest {
    private static final String USER_NAME = "Alice.Liddell-7731";
    private static final String EMAIL = "alice@example.com";
    private static final UUID TENANT = UUID.fromString("3f1b7c9e-0000-4000-8000-00000000a11c");

    static TestDatabases databases;

    @BeforeAll
    static void createTable() throws SQLException {
        databases = TestDatabases.create("t_error_scrub");
        try (Connection c = databases.connectAsOwner("directory"); Statement s = c.createStatement()) {
            s.execute("create table scrub_users (tenant_id uuid not null, user_name text not null, email text not null,"
                    + " age int not null constraint scrub_users_age check (age >= 0))");
            s.execute("create unique index scrub_users_user_name on scrub_users (tenant_id, lower(user_name))");
            s.execute("create unique index scrub_users_email on scrub_users (email)");
        }
    }

    @AfterAll
    static void drop() {
        databases.close();
    }

    /** Inserts a row as Hibernate would, with bound parameters, and wraps the failure the way Hibernate does. */
    private static RuntimeException insert(String userName, String email, int age) {
        String sql = "insert into scrub_users (tenant_id, user_name, email, age) values (?, ?, ?, ?)";
        try (Connection c = databases.connectAsOwner("directory"); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, TENANT);
            s.setString(2, userName);
            s.setString(3, email);
            s.setInt(4, age);
            s.executeUpdate();
            return null;
        } catch (SQLException e) {
            return new IllegalStateException("could not execute statement [" + e.getMessage() + "] [" + sql + "]", e);
        }
    }

    private static RuntimeException duplicateUserName() {
        insert(USER_NAME, "first-" + UUID.randomUUID() + "@example.org", 30);
        RuntimeException failure = insert(USER_NAME.toUpperCase(), "second-" + UUID.randomUUID() + "@example.org", 30);
        assertTrue(failure.getCause() instanceof PSQLException, String.valueOf(failure));
        // The attack surface is real: the raw message quotes the value.
        assertTrue(failure.getMessage().contains(USER_NAME.toLowerCase()), failure.getMessage());
        return failure;
    }

    @Test
    void jsonLogCaptureOfADuplicateKeyKeepsStateAndConstraintButNotTheValue() {
        RuntimeException failure = duplicateUserName();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LogErrorReporter(StructuredLog.of(ErrorScrubbingTest.class, new PrintStream(out, true, StandardCharsets.UTF_8)))
                .capture(failure, "corr-1");
        String line = out.toString(StandardCharsets.UTF_8);
        assertFalse(line.toLowerCase().contains(USER_NAME.toLowerCase()), line);
        assertFalse(line.contains(TENANT.toString()), line);
        assertTrue(line.contains("\"sql_state\":\"23505\""), line);
        assertTrue(line.contains("\"constraint\":\"scrub_users_user_name\""), line);
        assertTrue(line.contains("insert into scrub_users (tenant_id, user_name, email, age) values (?, ?, ?, ?)"), line);
        assertTrue(line.contains("Key (tenant_id, lower(user_name))=([redacted]) already exists"), line);
        assertTrue(line.contains("corr-1"), line);
    }

    @Test
    void checkViolationAndBadInputLoseTheirRowsAndValuesInTheLog() {
        RuntimeException check = insert("bob-" + UUID.randomUUID(), EMAIL, -5);
        assertTrue(check.getMessage().contains(EMAIL), check.getMessage());
        RuntimeException badUuid;
        try (Connection c = databases.connectAsOwner("directory"); Statement s = c.createStatement()) {
            s.execute("select '" + EMAIL + "'::uuid");
            throw new AssertionError("the cast should fail");
        } catch (SQLException e) {
            badUuid = new IllegalStateException("lookup failed", e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogErrorReporter reporter = new LogErrorReporter(
                StructuredLog.of(ErrorScrubbingTest.class, new PrintStream(out, true, StandardCharsets.UTF_8)));
        reporter.capture(check, "corr-check");
        reporter.capture(badUuid, "corr-uuid");
        String lines = out.toString(StandardCharsets.UTF_8);
        assertFalse(lines.contains(EMAIL), lines);
        assertFalse(lines.contains("alice@"), lines);
        assertTrue(lines.contains("\"sql_state\":\"23514\""), lines);
        assertTrue(lines.contains("\"constraint\":\"scrub_users_age\""), lines);
        assertTrue(lines.contains("\"sql_state\":\"22P02\""), lines);
    }

    @Test
    void sentryEnvelopeOfADuplicateKeyCarriesNoValue() throws Exception {
        RuntimeException failure = duplicateUserName();
        RuntimeException emailFailure = insert("carol-" + UUID.randomUUID(), EMAIL, 1);
        RuntimeException emailDuplicate = insert("dave-" + UUID.randomUUID(), EMAIL, 1);
        assertEquals(null, emailFailure);
        try (LoopbackCollector sentry = LoopbackCollector.start()) {
            String dsn = "http://0123456789abcdef@127.0.0.1:" + sentry.base().getPort() + "/77";
            SentryErrorReporter reporter = new SentryErrorReporter(dsn, 1.0, "iru-test");
            String correlationId = UUID.randomUUID().toString();
            reporter.capture(failure, correlationId);
            reporter.capture(emailDuplicate, correlationId + "-email");
            reporter.flush();
            String envelopes = String.join("\n", sentry.received().stream()
                    .filter(r -> r.path().equals("/api/77/envelope/")).map(LoopbackCollector.Received::text).toList());
            assertTrue(envelopes.contains(correlationId), "both events arrived: " + sentry.received());
            assertTrue(envelopes.contains(correlationId + "-email"), envelopes);
            assertFalse(envelopes.toLowerCase().contains(USER_NAME.toLowerCase()), envelopes);
            assertFalse(envelopes.contains(EMAIL), envelopes);
            assertFalse(envelopes.contains(TENANT.toString()), envelopes);
            assertTrue(envelopes.contains("23505"), envelopes);
            assertTrue(envelopes.contains("scrub_users_user_name"), envelopes);
            assertTrue(envelopes.contains("scrub_users_email"), envelopes);
        }
    }

    @Test
    void scrubberRemovesValuesThatSpanLinesAndLeavesOrdinaryTextAlone() {
        String raw = "ERROR: duplicate key value violates unique constraint \"u\"\n"
                + "  Detail: Key (name)=(first line\nsecond line) already exists.";
        String scrubbed = ErrorScrubber.scrub(raw);
        assertFalse(scrubbed.contains("first line") || scrubbed.contains("second line"), scrubbed);
        assertTrue(scrubbed.contains("violates unique constraint \"u\""), scrubbed);
        assertEquals("pool iru-us timed out after 1000ms", ErrorScrubber.scrub("pool iru-us timed out after 1000ms"));
        assertEquals(null, ErrorScrubber.scrub(null));
    }
}
