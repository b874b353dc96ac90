package iru.launcher;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The container health check (Dockerfile `HEALTHCHECK`, ECS `healthCheck`): the runtime image has no shell or curl,
 * so the launcher itself asks the plane's `/livez` on loopback and exits 0 when it answers 200, 1 otherwise.
 */
@Command(name = "healthcheck", mixinStandardHelpOptions = true,
        description = {
            "Exits 0 when the plane on this host answers GET /livez with 200, 1 otherwise (for container health checks).",
            "Port: IRU_HTTP_PORT, or the --plane's default port when IRU_HTTP_PORT is unset or -1."})
final class HealthcheckCommand implements Callable<Integer> {
    /** Well inside ECS's and Docker's health check timeouts (5 s and 30 s by default). */
    private static final int TIMEOUT_MILLIS = 2_000;

    @Spec
    CommandSpec spec;

    @ParentCommand
    IruCommand parent;

    @Option(names = "--plane", paramLabel = "tenant|control", defaultValue = "tenant",
            description = "Whose default port to ask when IRU_HTTP_PORT is not set. Default: ${DEFAULT-VALUE}.")
    Plane plane;

    @Override
    public Integer call() {
        int port = port();
        URI livez = URI.create("http://127.0.0.1:" + port + "/livez");
        try {
            HttpURLConnection connection = (HttpURLConnection) livez.toURL().openConnection();
            connection.setConnectTimeout(TIMEOUT_MILLIS);
            connection.setReadTimeout(TIMEOUT_MILLIS);
            connection.setInstanceFollowRedirects(false);
            int status = connection.getResponseCode();
            connection.disconnect();
            if (status == 200) {
                return 0;
            }
            spec.commandLine().getErr().println("iru healthcheck: " + livez + " answered " + status);
        } catch (IOException e) {
            spec.commandLine().getErr().println("iru healthcheck: " + livez + " unreachable: " + e.getMessage());
        }
        return 1;
    }

    private int port() {
        String configured = parent.environment().getOrDefault("IRU_HTTP_PORT", "").strip();
        if (configured.isEmpty() || configured.equals("-1")) {
            return plane.defaultPort();
        }
        try {
            int port = Integer.parseInt(configured);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "IRU_HTTP_PORT must be a port number (1-65535) for healthcheck, got '" + configured + "'");
        }
    }
}
