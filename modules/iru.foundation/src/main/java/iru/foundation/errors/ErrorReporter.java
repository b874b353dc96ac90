package iru.foundation.errors;

/** Central capture of unexpected errors. Implementations sample, so a storm of one error costs a bounded amount. */
public interface ErrorReporter {
    /** Records an unexpected error under a correlation id that the client also sees. */
    void capture(Throwable error, String correlationId);

    /** Sends what is buffered; called once during shutdown. */
    void flush();
}
