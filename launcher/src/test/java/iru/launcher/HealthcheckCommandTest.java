package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `iru healthcheck` (the container health check) exits 0 only when /livez on loopback answers 200. */
class HealthcheckCommandTest {

    @Test
    void healthyOnlyWhenLivezAnswers200() throws IOException {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/livez", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        try {
            String port = String.valueOf(server.getAddress().getPort());
            assertEquals(0, healthcheck(Map.of("IRU_HTTP_PORT", port)));
            status.set(503);
            assertEquals(1, healthcheck(Map.of("IRU_HTTP_PORT", port)));
            status.set(302);
            assertEquals(1, healthcheck(Map.of("IRU_HTTP_PORT", port)));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unhealthyWhenNothingListens() throws IOException {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        assertEquals(1, healthcheck(Map.of("IRU_HTTP_PORT", String.valueOf(free))));
    }

    @Test
    void refusesAPortThatIsNotOne() {
        assertEquals(CommandLine.ExitCode.USAGE, healthcheck(Map.of("IRU_HTTP_PORT", "http")));
    }

    private static int healthcheck(Map<String, String> environment) {
        CommandLine cli = Main.commandLine(environment);
        cli.setErr(new PrintWriter(new StringWriter()));
        return cli.execute("healthcheck");
    }
}
