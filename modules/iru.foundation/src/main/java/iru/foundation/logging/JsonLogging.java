package iru.foundation.logging;

import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes java.util.logging (Helidon, HikariCP through SLF4J, Hibernate through jboss-logging) into the same JSON
 * lines as our own {@link StructuredLog}, so an operator greps one format.
 */
public final class JsonLogging {
    /**
     * The loggers whose level we set, held here: the log manager keeps loggers only weakly, so a level set on one
     * nobody references is lost at the next GC (libraries then log at INFO again).
     */
    private static final java.util.List<Logger> QUIETED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private JsonLogging() {
    }

    public static void install() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        root.addHandler(new JsonLineHandler());
        // Chatty at INFO and of no use to an operator reading our lines.
        for (String chatty : java.util.List.of("org.hibernate", "org.flywaydb", "com.zaxxer.hikari")) {
            Logger logger = Logger.getLogger(chatty);
            logger.setLevel(Level.WARNING);
            QUIETED.add(logger);
        }
    }

    private static final class JsonLineHandler extends Handler {
        @Override
        public void publish(LogRecord record) {
            if (!isLoggable(record)) {
                return;
            }
            String message = record.getMessage();
            Object[] params = record.getParameters();
            if (message != null && params != null && params.length > 0) {
                try {
                    message = java.text.MessageFormat.format(message, params);
                } catch (IllegalArgumentException ignoredBadPattern) {
                    // keep the raw pattern: a malformed library message must not lose the line
                }
            }
            StructuredLog.write(level(record.getLevel()), record.getLoggerName(), "log",
                    Map.of("message", message == null ? "" : message), record.getThrown());
        }

        private static String level(Level level) {
            if (level.intValue() >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (level.intValue() >= Level.WARNING.intValue()) {
                return "WARN";
            }
            return level.intValue() >= Level.INFO.intValue() ? "INFO" : "DEBUG";
        }

        @Override
        public void flush() {
            System.out.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
