/** `main`: parses the command line, wires the object graph by hand, and owns the start and stop order. */
module launcher {
    requires iru.interfaces;
    requires info.picocli;
    requires jdk.unsupported; // sun.misc.Signal: SIGTERM runs our ordered stop and exits 0
    requires io.opentelemetry.sdk.trace;
    requires java.management; // the JVM's uptime when a plane's start begins, in its startup log line

    opens iru.launcher to info.picocli;

    exports iru.launcher;
}
