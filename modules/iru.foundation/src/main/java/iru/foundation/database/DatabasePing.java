package iru.foundation.database;

import java.sql.SQLException;
import java.util.Optional;

/**
 * How one database answered a readiness ping: its outcome as a category that is safe to show anyone (no host, no
 * user, no server text), and the failure itself for the error reporter.
 *
 * @param outcome what happened, as a stable category
 * @param cause   why it failed; empty when it answered
 */
public record DatabasePing(Outcome outcome, Optional<Throwable> cause) {

    /** Stable, public categories of a failed ping. */
    public enum Outcome {
        ANSWERED("ok"),
        TIMED_OUT("timeout"),
        UNREACHABLE("unreachable"),
        LOGIN_REFUSED("login-refused"),
        FAILED("error");

        private final String category;

        Outcome(String category) {
            this.category = category;
        }

        public String category() {
            return category;
        }
    }

    public DatabasePing {
        if ((outcome == Outcome.ANSWERED) != cause.isEmpty()) {
            throw new IllegalArgumentException("a failed ping carries its cause, an answered one none");
        }
    }

    public static DatabasePing answered() {
        return new DatabasePing(Outcome.ANSWERED, Optional.empty());
    }

    public static DatabasePing timedOut(Throwable cause) {
        return new DatabasePing(Outcome.TIMED_OUT, Optional.of(cause));
    }

    /** Classifies a failure by the SQLSTATE class of the first SQL error in its chain. */
    public static DatabasePing failed(Throwable cause) {
        String state = null;
        for (Throwable t = cause; t != null && state == null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                state = sql.getSQLState();
            }
        }
        Outcome outcome;
        if (state == null) {
            outcome = Outcome.FAILED;
        } else if (state.startsWith("28")) { // invalid_authorization_specification, invalid_password
            outcome = Outcome.LOGIN_REFUSED;
        } else if (state.startsWith("08") || state.startsWith("57P") || state.equals("3D000")
                || state.equals("55000")) {
            // connection exceptions, server shutting down or not accepting connections, database gone
            outcome = Outcome.UNREACHABLE;
        } else {
            outcome = Outcome.FAILED;
        }
        return new DatabasePing(outcome, Optional.of(cause));
    }

    public boolean ok() {
        return outcome == Outcome.ANSWERED;
    }
}
