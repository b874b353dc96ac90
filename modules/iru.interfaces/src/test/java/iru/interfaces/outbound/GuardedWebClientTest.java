package iru.interfaces.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import iru.foundation.net.OutboundAddressPolicy;
import iru.foundation.net.OutboundAddressRefusedException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client for tenant-supplied hosts connects only to addresses the policy vetted, and to exactly the address it
 * vetted: names used here exist only in the test's resolver, so a request that arrives proves the socket went to
 * the vetted address while the request kept the name.
 */
class GuardedWebClientTest {
    WebServer scim;
    List<String> hostHeaders = new CopyOnWriteArrayList<>();
    AtomicInteger lookups = new AtomicInteger();

    @BeforeEach
    void start() {
        scim = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.get("/scim/v2/Users", (req, res) -> {
                    hostHeaders.add(req.headers().get(HeaderNames.HOST).get());
                    res.send("{\"Resources\":[]}");
                }))
                .build().start();
    }

    @AfterEach
    void stop() {
        scim.stop();
    }

    OutboundAddressPolicy.HostResolver resolver(Map<String, List<String>> names) {
        return host -> {
            lookups.incrementAndGet();
            List<String> addresses = names.get(host);
            if (addresses == null) {
                throw new UnknownHostException(host);
            }
            return addresses.stream().map(InetAddress::ofLiteral).toArray(InetAddress[]::new);
        };
    }

    WebClient client(OutboundAddressPolicy.Mode mode, Map<String, List<String>> names) {
        return GuardedWebClient.create(new OutboundAddressPolicy(mode, resolver(names)), Duration.ofSeconds(5));
    }

    String url(String host) {
        return "http://" + host + ":" + scim.port() + "/scim/v2/Users";
    }

    static void assertRefused(Runnable request) {
        RuntimeException e = assertThrows(RuntimeException.class, request::run);
        Throwable cause = e;
        while (cause != null && !(cause instanceof OutboundAddressRefusedException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null, "expected an outbound refusal, got " + e);
    }

    @Test
    void connectsToTheVettedAddressKeepingTheNameInTheHostHeader() {
        var client = client(OutboundAddressPolicy.Mode.DEV, Map.of("scim.tenant.test", List.of("127.0.0.1")));
        try (var response = client.get(url("scim.tenant.test")).request()) {
            assertEquals(200, response.status().code());
        }
        assertEquals(List.of("scim.tenant.test:" + scim.port()), hostHeaders);
        assertEquals(1, lookups.get(), "resolved once, for the one connection");
    }

    @Test
    void refusesANameResolvingToLoopbackInProductionBeforeConnecting() {
        var client = client(OutboundAddressPolicy.Mode.PRODUCTION, Map.of("scim.tenant.test", List.of("127.0.0.1")));
        assertRefused(() -> client.get(url("scim.tenant.test")).request().close());
        assertRefused(() -> client.get(url("127.0.0.1")).request().close());
        assertEquals(List.of(), hostHeaders, "nothing reached the server");
    }

    @Test
    void refusesMetadataAndMixedAnswersEvenInDevMode() {
        var client = client(OutboundAddressPolicy.Mode.DEV, Map.of(
                "metadata.tenant.test", List.of("169.254.169.254"),
                "mixed.tenant.test", List.of("127.0.0.1", "10.0.0.1")));
        assertRefused(() -> client.get(url("metadata.tenant.test")).request().close());
        assertRefused(() -> client.get(url("mixed.tenant.test")).request().close());
        assertEquals(List.of(), hostHeaders, "nothing reached the server");
    }
}
