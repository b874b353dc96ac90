package iru.foundation.logging;

/**
 * Facts about the work in progress that every log line should carry. Scoped values rather than thread locals: a
 * binding ends with the scope that made it, so a pooled or virtual thread never leaks one tenant into the next.
 */
public final class LogContext {
    public static final ScopedValue<String> TENANT_ID = ScopedValue.newInstance();
    public static final ScopedValue<String> REGION = ScopedValue.newInstance();

    private LogContext() {
    }
}
