package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.interfaces.http.AuthenticationLimits;
import iru.interfaces.http.Json;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failed authentications are limited per source address and per tenant (control plane: per address and for the
 * plane): past the limit an attempt is 429 with Retry-After and is refused before any credential lookup. Distinct
 * loopback addresses (127.0.0.x) stand in for distinct clients.
 */
class FailedAuthenticationLimitsTest {
    static final int PER_SOURCE = AuthenticationLimits.DEFAULTS.failuresPerSource();
    static final int PER_TENANT = AuthenticationLimits.DEFAULTS.failuresPerRealm();
    static final Map<String, HttpClient> CLIENTS = new HashMap<>();

    static TestDeployment deployment;
    static TestDeployment.Plane control;
    static TestDeployment.Plane api;

    @BeforeAll
    static void start() {
        deployment = TestDeployment.create("t_auth_limits");
        control = deployment.start(Plane.control);
        // The provisioning workers poll the regions meanwhile: a request's SQL is told apart by its trace.
        api = deployment.start(Plane.tenant);
    }

    @AfterAll
    static void stop() {
        deployment.close();
    }

    /** A request with `Authorization: Bearer <bearer>` sent from the loopback address `source`. */
    static HttpResponse<String> from(String source, TestDeployment.Plane plane, String bearer, String path)
            throws Exception {
        return from(source, plane, bearer, path, RequestTrace.start());
    }

    static HttpResponse<String> from(String source, TestDeployment.Plane plane, String bearer, String path,
            RequestTrace trace) throws Exception {
        HttpClient client = CLIENTS.computeIfAbsent(source, s -> {
            try {
                return HttpClient.newBuilder().localAddress(InetAddress.getByName(s)).build();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        });
        String[] traceparent = trace.header();
        return client.send(HttpRequest.newBuilder(plane.uri(path)).header("Authorization", "Bearer " + bearer)
                .header(traceparent[0], traceparent[1]).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertThrottled(HttpResponse<String> res) throws Exception {
        assertEquals(429, res.statusCode(), res.body());
        assertEquals("https://iru.dev/problems/too-many-failed-authentications",
                Json.MAPPER.readTree(res.body()).get("type").asText());
        long retryAfter = Long.parseLong(res.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    }


    @Test
    void aSourcePastItsLimitIsRefusedBeforeAnyLookupWhileOtherSourcesStillGetIn() throws Exception {
        var tenant = TestDeployment.createTenant(control, "guarded-co", "eu");
        String path = "/t/guarded-co/v1/tenant";
        // Successes are not counted: more of them than the limit change nothing.
        for (int i = 0; i < PER_SOURCE + 5; i++) {
            assertEquals(200, from("127.0.0.2", api, tenant.key(), path).statusCode());
        }
        for (int i = 0; i < PER_SOURCE; i++) {
            assertEquals(401, from("127.0.0.2", api, "iruk_0000000000000000_guess" + i, path).statusCode(), "attempt " + i);
        }
        assertThrottled(from("127.0.0.2", api, "iruk_0000000000000000_guess", path));

        RequestTrace refused = RequestTrace.start();
        assertThrottled(from("127.0.0.2", api, tenant.key(), path, refused)); // even the right key, blocked source
        assertEquals(List.of(), refused.sqlSpans(api), "a refused attempt must not reach any database");

        RequestTrace admitted = RequestTrace.start();
        assertEquals(200, from("127.0.0.3", api, tenant.key(), path, admitted).statusCode(),
                "another source is not blocked");
        assertTrue(!admitted.sqlSpans(api).isEmpty(), "an admitted request's SQL is seen under its trace");
        assertThrottled(from("127.0.0.2", api, tenant.key(), path));
    }

    @Test
    void aTenantPastItsLimitIsRefusedFromEverySourceWhileOtherTenantsAreNot() throws Exception {
        var target = TestDeployment.createTenant(control, "target-co", "us");
        var bystander = TestDeployment.createTenant(control, "bystander-co", "us");
        String path = "/t/target-co/v1/tenant";
        int failures = 0;
        for (int source = 10; failures < PER_TENANT; source++) {
            for (int i = 0; i < PER_SOURCE - 1 && failures < PER_TENANT; i++, failures++) {
                assertEquals(401, from("127.0.0." + source, api, "iruk_0000000000000000_spray", path).statusCode(),
                        "failure " + failures);
            }
        }
        RequestTrace refused = RequestTrace.start();
        assertThrottled(from("127.0.0.40", api, target.key(), path, refused)); // a fresh source, the right key
        assertEquals(List.of(), refused.sqlSpans(api), "a refused attempt must not reach any database");
        assertEquals(200, from("127.0.0.40", api, bystander.key(), "/t/bystander-co/v1/tenant").statusCode());
    }

    @Test
    void theControlPlaneLimitsFailedAdminTokensPerSource() throws Exception {
        for (int i = 0; i < PER_SOURCE; i++) {
            assertEquals(401, from("127.0.0.50", control, "not-the-token-" + i, "/v1/tenants").statusCode());
        }
        assertThrottled(from("127.0.0.50", control, "not-the-token", "/v1/tenants"));
        assertThrottled(from("127.0.0.50", control, TestDeployment.ADMIN_TOKEN, "/v1/tenants"));
        assertEquals(200, from("127.0.0.51", control, TestDeployment.ADMIN_TOKEN, "/v1/tenants").statusCode());
        assertEquals(200, control.get("/livez").statusCode()); // probes are not behind authentication
    }
}
