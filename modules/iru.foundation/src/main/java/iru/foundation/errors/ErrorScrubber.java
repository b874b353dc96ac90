package iru.foundation.errors;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Removes row values from error text before it leaves the process (Sentry, the JSON log, span events). PostgreSQL
 * puts the offending values into its messages (`Key (lower(user_name))=(alice@example.com) already exists`,
 * `Failing row contains (…)`, `invalid input syntax for type uuid: "…"`), and Hibernate and the driver copy them into
 * their own exception messages; those values are users' personal data. What stays is what an engineer needs and is
 * not personal: the primary message, the SQLSTATE, the constraint and column names, and SQL text with `?` markers.
 */
public final class ErrorScrubber {
    static final String REDACTED = "[redacted]";

    /**
     * A pattern and its replacement, and the literals one of which every match contains: a text with none of them
     * cannot match, so it skips the regex. That keeps the common case (an access-log path, an event name) from
     * paying an O(n²) scan of the address rule on every field of every log line.
     */
    private record Rule(Pattern pattern, String replacement, List<String> triggers) {
        String apply(String text) {
            for (String trigger : triggers) {
                if (text.contains(trigger)) {
                    return pattern.matcher(text).replaceAll(replacement);
                }
            }
            return text;
        }
    }

    /** Applied in order: the precise rules first keep the column names, the line rules catch what they miss. */
    private static final List<Rule> RULES = List.of(
            // `Key (cols)=(values) already exists` and friends: the values may even span lines.
            new Rule(Pattern.compile("(Key \\(.*?\\)=\\()(?s:.*?)(\\) (?:already exists|is not present in table"
                    + "|is still referenced from table|conflicts with (?:existing )?key))"),
                    "$1" + Matcher.quoteReplacement(REDACTED) + "$2", List.of("Key (")),
            new Rule(Pattern.compile("(Key \\(.*?\\)=\\()(?!\\[redacted\\])[^\\n]*"),
                    "$1" + Matcher.quoteReplacement(REDACTED + ")"), List.of("Key (")),
            new Rule(Pattern.compile("(Failing row contains \\()[^\\n]*"),
                    "$1" + Matcher.quoteReplacement(REDACTED + ")."), List.of("Failing row contains (")),
            // Any other detail or context line of a server error may quote values (PL/pgSQL context, COPY lines).
            new Rule(Pattern.compile("((?:Detail|DETAIL|Where|CONTEXT): )(?!Key \\(|Failing row contains \\()[^\\n]*"),
                    "$1" + Matcher.quoteReplacement(REDACTED),
                    List.of("Detail: ", "DETAIL: ", "Where: ", "CONTEXT: ")),
            new Rule(Pattern.compile("(invalid input (?:syntax|value) for [^:\\n]*: )\"[^\\n]*\""),
                    "$1\"" + Matcher.quoteReplacement(REDACTED) + "\"", List.of("invalid input ")),
            // The driver's batch failure inlines the statement with its bound values.
            new Rule(Pattern.compile("(Batch entry \\d+ )[^\\n]*( was aborted)"),
                    "$1" + Matcher.quoteReplacement(REDACTED) + "$2", List.of("Batch entry ")),
            // A safety net for addresses that reached a message by any other path.
            new Rule(Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"),
                    Matcher.quoteReplacement("[redacted-email]"), List.of("@")));

    private ErrorScrubber() {
    }

    /** The text with values removed; null stays null. */
    public static String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String scrubbed = text;
        for (Rule rule : RULES) {
            scrubbed = rule.apply(scrubbed);
        }
        return scrubbed;
    }

    /** `ClassName: scrubbed message`, as a log line's summary of the failure. */
    public static String describe(Throwable error) {
        return error.getClass().getName() + ": " + scrub(String.valueOf(error.getMessage()));
    }

    /** The full stack trace (causes and suppressed included) with every message scrubbed. */
    public static String stackTrace(Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        return scrub(trace.toString());
    }

    /** The SQLSTATE of the first SQL failure in the cause chain: the error class, never a value. */
    public static Optional<String> sqlState(Throwable error) {
        return firstSqlException(error).map(SQLException::getSQLState);
    }

    /** The constraint PostgreSQL named, from the structured server message rather than the text. */
    public static Optional<String> constraint(Throwable error) {
        return firstSqlException(error)
                .filter(PSQLException.class::isInstance)
                .map(e -> ((PSQLException) e).getServerErrorMessage())
                .map(ServerErrorMessage::getConstraint);
    }

    private static Optional<SQLException> firstSqlException(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }
}
