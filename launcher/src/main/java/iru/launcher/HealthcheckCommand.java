package iru.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The container's health probe, for images without a shell or curl: GETs {@code /livez} on the loopback interface and
 * exits 0 on 200, 1 otherwise. Touches no database, secret or configuration beyond the port.
 */
@Command(name = "healthcheck", mixinStandardHelpOptions = true,
        description = {
            "GETs http://127.0.0.1:PORT/livez; exits 0 on 200, 1 otherwise (a container HEALTHCHECK).",
            "PORT is --port, else IRU_HTTP_PORT, else the planes' defaults 8080 and 8081 (healthy if either answers)."})
final class HealthcheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    IruCommand parent;

    @Option(names = "--port", description = "The plane's port (default: IRU_HTTP_PORT, else 8080 and 8081).")
    Integer port;

    @Option(names = "--timeout-ms", defaultValue = "2000", description = "Connect and read timeout (default 2000).")
    int timeoutMillis;

    @Override
    public Integer call() {
        for (int candidate : ports()) {
            int status = livez(candidate, Duration.ofMillis(timeoutMillis));
            if (status == 200) {
                spec.commandLine().getOut().println("iru: healthy (port " + candidate + ")");
                return 0;
            }
            spec.commandLine().getErr().println("iru: unhealthy on port " + candidate
                    + (status < 0 ? " (no answer)" : " (status " + status + ")"));
        }
        return 1;
    }

    private List<Integer> ports() {
        if (port != null) {
            return List.of(port);
        }
        String configured = parent.environmentValue("IRU_HTTP_PORT");
        if (configured != null && !configured.isBlank()) {
            int parsed;
            try {
                parsed = Integer.parseInt(configured.strip());
            } catch (NumberFormatException e) {
                parsed = -1;
            }
            if (parsed < 1 || parsed > 65535) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "IRU_HTTP_PORT must be a port number (1-65535), got '" + configured + "'");
            }
            return List.of(parsed);
        }
        List<Integer> defaults = new ArrayList<>();
        for (Plane plane : Plane.values()) {
            defaults.add(plane.defaultPort());
        }
        return defaults;
    }

    /** The status of GET /livez on the port, or -1 when nothing answers in time. */
    static int livez(int port, Duration timeout) {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/livez").toURL().openConnection();
            connection.setConnectTimeout((int) timeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setInstanceFollowRedirects(false);
            int status = connection.getResponseCode();
            try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
            return status;
        } catch (IOException e) {
            return -1;
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }
}
