package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import iru.application.provisioning.DeliveryOutcome;
import iru.application.provisioning.ProvisioningTask;
import iru.foundation.config.IruConfig;
import iru.interfaces.http.Json;
import iru.testkit.LoopbackCatalog;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provisioning workers against the real PostgreSQL, with a downstream the test controls: several worker
 * processes share the outbox without delivering anything twice or overlapping on one subject, keep each subject's
 * order, retry, park, reclaim expired leases, and hand their leases back when stopped mid-delivery.
 */
class ProvisioningWorkersTest {
    /** Quick retries and polls, so the behaviour shows within seconds. */
    static final Map<String, String> FAST = Map.of("IRU_WORKER_POLL_MILLIS", "20", "IRU_WORKER_BACKOFF_BASE_MILLIS",
            "10", "IRU_WORKER_BACKOFF_CAP_SECONDS", "1", "IRU_WORKER_MAX_ATTEMPTS", "3",
            "IRU_WORKER_DELIVERY_TIMEOUT_SECONDS", "5", "IRU_WORKER_LEASE_SECONDS", "10", "IRU_WORKER_POOL_MAX", "3");

    static LoopbackCatalog upstream;
    static TestDeployment deployment;
    static TestDeployment.Plane api;
    static TestDeployment.TenantWithKey acme;
    static TestDeployment.TenantWithKey rival;
    static String acmeApp;
    static String rivalApp;

    @BeforeAll
    static void start() throws Exception {
        upstream = CatalogFeeds.serving(CatalogFeeds.SLACK);
        deployment = TestDeployment.create("t_prov_workers");
        var control = deployment.startControlWithCatalog(upstream);
        api = deployment.start(Plane.tenant, Map.of("IRU_WORKERS", "off"));
        acme = TestDeployment.createTenant(control, "acme", "eu");
        rival = TestDeployment.createTenant(control, "rival", "eu");
        acmeApp = app(acme);
        rivalApp = app(rival);
    }

    static String app(TestDeployment.TenantWithKey tenant) throws Exception {
        var res = api.as(tenant.key(), "POST", "/t/" + tenant.slug() + "/v1/apps", "{\"templateKey\":\"slack\","
                + "\"displayName\":\"Slack\",\"scimBaseUrl\":\"https://api.slack.com/scim/v2\"}");
        assertEquals(201, res.statusCode(), res.body());
        return Json.MAPPER.readTree(res.body()).get("id").asText();
    }

    @AfterAll
    static void stop() {
        deployment.close();
        upstream.close();
    }

    @BeforeEach
    void emptyOutbox() throws Exception {
        sql("delete from provisioning_outbox");
    }

    static void sql(String statement) throws Exception {
        try (Connection c = deployment.databases.connectAsOwner("eu"); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    static long number(String query) throws Exception {
        return Long.parseLong(deployment.queryAsOwner("eu", query));
    }

    /** Enqueues `subject` (a user) of acme's application, as one committed change; returns its sequence. */
    static long enqueue(UUID subject) throws Exception {
        return enqueue(acme, acmeApp, subject, "");
    }

    static long enqueue(TestDeployment.TenantWithKey tenant, String app, UUID subject, String extraColumns)
            throws Exception {
        String columns = extraColumns.isEmpty() ? "" : ", " + extraColumns.split("=")[0];
        String values = extraColumns.isEmpty() ? "" : ", " + extraColumns.split("=", 2)[1];
        return Long.parseLong(deployment.queryAsOwner("eu", "insert into provisioning_outbox (tenant_id, app_id,"
                + " subject_kind, subject_id, cause, next_attempt_at, created_at" + columns + ") values ('"
                + tenant.id() + "', '" + app + "', 'user', '" + subject + "', 'user.updated', now(), now()" + values
                + ") returning seq"));
    }

    /** `iru_provisioning_deliveries_total` of region eu with `outcome`, from the plane's `/metrics`. */
    static double deliveries(TestDeployment.Plane plane, String outcome) {
        try {
            return MetricsEndpointTest.parse(plane.get("/metrics").body()).stream()
                    .filter(s -> s.name().equals("iru_provisioning_deliveries_total") && s.has("region", "eu")
                            && s.has("outcome", outcome))
                    .mapToDouble(MetricsEndpointTest.Series::value).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static TestDeployment.Plane workers(RecordingDelivery delivery, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(FAST);
        env.putAll(overrides);
        return deployment.start(Plane.tenant, env, delivery, true);
    }

    static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    static BooleanSupplier outboxEmpty() {
        return () -> {
            try {
                return number("select count(*) from provisioning_outbox") == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Test
    void twoWorkerProcessesShareTheOutboxAndDeliverEachSubjectExactlyOnce() throws Exception {
        RecordingDelivery first = new RecordingDelivery(task -> {
            RecordingDelivery.pause(5);
            return new DeliveryOutcome.Delivered("ok");
        });
        RecordingDelivery second = first.sibling(first.behaviour);
        var one = workers(first, Map.of());
        var two = workers(second, Map.of());
        sql("insert into provisioning_outbox (tenant_id, app_id, subject_kind, subject_id, cause, traceparent,"
                + " next_attempt_at, created_at) select '" + acme.id() + "', '" + acmeApp + "', 'user',"
                + " gen_random_uuid(), 'assignment.added',"
                + " '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', now(), now() from generate_series(1, 300)");
        try {
            await("the outbox is empty", Duration.ofSeconds(60), outboxEmpty());
            // Each delivery is a span linked to the request that enqueued it; each claim has a span too.
            var spans = one.spans().getFinishedSpanItems();
            assertTrue(spans.stream().anyMatch(s -> s.getName().equals("provisioning.claim")));
            var deliveries = spans.stream().filter(s -> s.getName().equals("provisioning.deliver")).toList();
            assertTrue(!deliveries.isEmpty() && deliveries.stream().allMatch(s -> s.getLinks().size() == 1
                    && s.getLinks().get(0).getSpanContext().getTraceId().equals("0af7651916cd43dd8448eb211c80319c")));
        } finally {
            one.runtime().stop();
            two.runtime().stop();
        }
        List<RecordingDelivery.Call> all = new ArrayList<>(first.delivered());
        all.addAll(second.delivered());
        assertEquals(300, all.size(), "every record delivered once, none twice");
        assertEquals(300, all.stream().map(c -> c.task().subject()).distinct().count());
        assertTrue(!first.delivered().isEmpty() && !second.delivered().isEmpty(),
                "both processes took a share: " + first.delivered().size() + " / " + second.delivered().size());
        assertEquals(List.of(), first.overlaps);

    }

    @Test
    void aLaterChangeIsNeverDeliveredBeforeAnEarlierOneOfTheSameSubject() throws Exception {
        RecordingDelivery first = new RecordingDelivery(task -> {
            RecordingDelivery.pause(4);
            return new DeliveryOutcome.Delivered("ok");
        });
        RecordingDelivery second = first.sibling(first.behaviour);
        List<UUID> subjects = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        Map<UUID, Long> newest = new HashMap<>();
        var one = workers(first, Map.of());
        var two = workers(second, Map.of());
        try {
            for (int round = 0; round < 40; round++) {
                for (UUID subject : subjects) {
                    newest.put(subject, enqueue(subject));
                }
                Thread.sleep(3);
            }
            await("the outbox is empty", Duration.ofSeconds(60), outboxEmpty());
        } finally {
            one.runtime().stop();
            two.runtime().stop();
        }
        assertEquals(List.of(), first.overlaps, "two deliveries of one subject at once");
        List<RecordingDelivery.Call> all = new ArrayList<>(first.calls);
        all.addAll(second.calls);
        for (UUID subject : subjects) {
            List<Long> order = all.stream().filter(c -> c.task().subject().id().equals(subject))
                    .map(c -> c.task().sequence()).sorted().toList();
            assertEquals(order.stream().distinct().count(), order.size(), "a record delivered twice: " + order);
            assertEquals(newest.get(subject), order.getLast(), "the newest change was delivered last");
        }
        // Ordered by when they ran (they never overlap per subject), the sequences only grow.
        for (RecordingDelivery delivery : List.of(first, second)) {
            Map<UUID, Long> last = new HashMap<>();
            for (RecordingDelivery.Call call : delivery.calls) {
                Long before = last.put(call.task().subject().id(), call.task().sequence());
                assertTrue(before == null || before < call.task().sequence(), call + " after " + before);
            }
        }
        System.out.printf("provisioning: %d changes of %d subjects delivered in %d deliveries (coalesced)%n",
                40 * subjects.size(), subjects.size(), all.size());
    }

    @Test
    void failuresAreRetriedThenParkedAndTheFailuresApiListsAndRequeuesThem() throws Exception {
        UUID flaky = UUID.randomUUID();
        UUID refused = UUID.randomUUID();
        UUID fine = UUID.randomUUID();
        RecordingDelivery delivery = new RecordingDelivery(task -> {
            if (task.subject().id().equals(flaky)) {
                return new DeliveryOutcome.RetryLater("503 from downstream", Optional.empty());
            }
            if (task.subject().id().equals(refused)) {
                return new DeliveryOutcome.Rejected("400 userName is invalid downstream");
            }
            return new DeliveryOutcome.Delivered("ok");
        });
        long flakySeq = enqueue(flaky);
        long refusedSeq = enqueue(refused);
        enqueue(fine);
        UUID rivals = UUID.randomUUID();
        long rivalSeq = enqueue(rival, rivalApp, rivals, "");
        String flakyId = idOf(flakySeq);
        String refusedId = idOf(refusedSeq);
        String rivalId = idOf(rivalSeq);
        sql("update provisioning_outbox set parked_at = now(), attempts = 3, last_error = 'rival''s failure'"
                + " where seq = " + rivalSeq);
        var running = workers(delivery, Map.of());
        try {
            await("both failures parked", Duration.ofSeconds(30), () -> {
                try {
                    return number("select count(*) from provisioning_outbox where parked_at is not null"
                            + " and tenant_id = '" + acme.id() + "'") == 2 && delivery.delivered().size() == 1;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(3, delivery.calls.stream().filter(c -> c.task().subject().id().equals(flaky)).count(),
                    "retried until IRU_WORKER_MAX_ATTEMPTS");
            assertEquals(1, delivery.calls.stream().filter(c -> c.task().subject().id().equals(refused)).count(),
                    "a rejection parks at once");

            // The workers' health port serves /metrics: deliveries by outcome, their own pools, no ids in labels.
            await("outcomes counted", Duration.ofSeconds(5), () -> deliveries(running, "parked") == 1
                    && deliveries(running, "rejected") == 1 && deliveries(running, "retry") == 2
                    && deliveries(running, "delivered") == 1);
            String scrape = running.get("/metrics").body();
            assertTrue(scrape.contains("hikaricp_connections_active{pool=\"iru-workers-eu\"}"), scrape);
            for (String id : List.of(acme.id(), flaky.toString(), refused.toString(), fine.toString(), acmeApp)) {
                assertTrue(!scrape.contains(id), "the scrape mentions " + id);
            }

            var listed = api.as(acme.key(), "GET", "/t/acme/v1/provisioning/failures", null);
            assertEquals(200, listed.statusCode(), listed.body());
            JsonNode items = Json.MAPPER.readTree(listed.body()).get("items");
            assertEquals(2, items.size(), listed.body());
            assertEquals(flakyId, items.get(0).get("id").asText());
            assertEquals(3, items.get(0).get("attempts").asInt());
            assertEquals("503 from downstream", items.get(0).get("lastError").asText());
            assertEquals(flaky.toString(), items.get(0).get("subject").get("id").asText());
            assertEquals("rejected: 400 userName is invalid downstream", items.get(1).get("lastError").asText());
            var firstPage = Json.MAPPER.readTree(api.as(acme.key(), "GET", "/t/acme/v1/provisioning/failures?limit=1",
                    null).body());
            assertEquals(1, firstPage.get("items").size());
            var secondPage = Json.MAPPER.readTree(api.as(acme.key(), "GET", "/t/acme/v1/provisioning/failures?limit=1"
                    + "&cursor=" + firstPage.get("nextCursor").asText(), null).body());
            assertEquals(refusedId, secondPage.get("items").get(0).get("id").asText());
            assertTrue(secondPage.get("nextCursor").isNull());
            assertEquals(400, api.as(acme.key(), "GET", "/t/acme/v1/provisioning/failures?cursor=bm9wZQ", null)
                    .statusCode());

            // Another tenant's record is not there for acme: not listed, not retryable, unchanged.
            var rivalsOwn = Json.MAPPER.readTree(api.as(rival.key(), "GET", "/t/rival/v1/provisioning/failures", null)
                    .body());
            assertEquals(List.of(rivalId), ids(rivalsOwn));
            String before = deployment.queryAsOwner("eu", "select row(o.*)::text from provisioning_outbox o where seq = "
                    + rivalSeq);
            var attack = api.as(acme.key(), "POST", "/t/acme/v1/provisioning/failures/" + rivalId + "/retry", null);
            assertEquals(404, attack.statusCode(), attack.body());
            assertEquals(before, deployment.queryAsOwner("eu", "select row(o.*)::text from provisioning_outbox o"
                    + " where seq = " + rivalSeq));
            assertEquals(400, api.as(acme.key(), "POST", "/t/acme/v1/provisioning/failures/abc/retry", null)
                    .statusCode());
            var readOnly = api.as(issueKey("apps:read"), "POST", "/t/acme/v1/provisioning/failures/" + flakyId
                    + "/retry", null);
            assertEquals(403, readOnly.statusCode(), readOnly.body());

            // The downstream recovers; a retry requeues the record and a worker delivers it.
            delivery.behaviour = task -> new DeliveryOutcome.Delivered("ok");
            var retried = api.as(acme.key(), "POST", "/t/acme/v1/provisioning/failures/" + flakyId + "/retry", null);
            assertEquals(204, retried.statusCode(), retried.body());
            await("the retried record delivered", Duration.ofSeconds(10), () ->
                    delivery.delivered().stream().anyMatch(c -> c.task().subject().id().equals(flaky)));
            await("its row gone", Duration.ofSeconds(10), () -> {
                try {
                    return number("select count(*) from provisioning_outbox where seq = " + flakySeq) == 0;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(1, delivery.delivered().stream().filter(c -> c.task().subject().id().equals(flaky)).count());
            assertEquals(1, number("select attempts from provisioning_outbox where seq = " + refusedSeq),
                    "the rejected record stays parked until retried");
            assertEquals(404, api.as(acme.key(), "POST", "/t/acme/v1/provisioning/failures/" + flakyId + "/retry",
                    null).statusCode(), "nothing parked under that id any more");
        } finally {
            running.runtime().stop();
        }
    }

    static String idOf(long seq) throws Exception {
        return deployment.queryAsOwner("eu", "select id from provisioning_outbox where seq = " + seq);
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    static String issueKey(String scope) throws Exception {
        var res = api.as(acme.key(), "POST", "/t/acme/v1/api-keys", "{\"name\":\"narrow\",\"scopes\":[\"" + scope
                + "\"]}");
        assertEquals(201, res.statusCode(), res.body());
        return Json.MAPPER.readTree(res.body()).get("key").asText();
    }

    @Test
    void anExpiredLeaseIsReclaimedAndALiveOneIsNot() throws Exception {
        UUID abandoned = UUID.randomUUID();
        UUID held = UUID.randomUUID();
        enqueue(acme, acmeApp, abandoned, "lease_owner, lease_token, lease_expires_at="
                + "'crashed-worker', gen_random_uuid(), now() - interval '1 second'");
        enqueue(acme, acmeApp, held, "lease_owner, lease_token, lease_expires_at="
                + "'live-worker', gen_random_uuid(), now() + interval '3 seconds'");
        RecordingDelivery delivery = RecordingDelivery.succeeding();
        var running = workers(delivery, Map.of());
        try {
            await("the abandoned lease reclaimed", Duration.ofSeconds(10), () -> delivery.delivered().size() == 1);
            assertEquals(abandoned, delivery.delivered().getFirst().task().subject().id());
            Thread.sleep(500);
            assertEquals(1, delivery.calls.size(), "a live lease is left alone");
            await("the held record, once its lease expired", Duration.ofSeconds(10), outboxEmpty());
            assertEquals(2, delivery.delivered().size());
        } finally {
            running.runtime().stop();
        }
    }

    @Test
    void newerRowsOfASubjectBeingDeliveredDoNotCrowdOutOtherSubjects() throws Exception {
        UUID busy = UUID.randomUUID();
        enqueue(acme, acmeApp, busy, "lease_owner, lease_token, lease_expires_at="
                + "'live-worker', gen_random_uuid(), now() + interval '30 seconds'");
        for (int i = 0; i < 60; i++) {
            enqueue(busy);
        }
        UUID other = UUID.randomUUID();
        enqueue(other);
        RecordingDelivery delivery = RecordingDelivery.succeeding();
        var running = workers(delivery, Map.of("IRU_WORKER_BATCH", "1"));
        try {
            await("the other subject delivered", Duration.ofSeconds(5), () -> delivery.delivered().size() == 1);
            assertEquals(other, delivery.delivered().getFirst().task().subject().id());
            Thread.sleep(300);
            assertEquals(1, delivery.calls.size(), "the busy subject waits for its live lease");
        } finally {
            running.runtime().stop();
        }
    }

    @Test
    void stoppingMidDeliveryHandsTheLeaseBackAndAnotherWorkerDeliversExactlyOnce() throws Exception {
        AtomicInteger started = new AtomicInteger();
        RecordingDelivery hanging = new RecordingDelivery(task -> {
            started.incrementAndGet();
            RecordingDelivery.pause(60_000);
            return new DeliveryOutcome.Delivered("too late");
        });
        UUID subject = UUID.randomUUID();
        long seq = enqueue(subject);
        var doomed = workers(hanging, Map.of("IRU_WORKER_COUNT", "1"));
        await("the delivery started", Duration.ofSeconds(10), () -> started.get() == 1);
        assertEquals(1, number("select count(*) from provisioning_outbox where lease_token is not null"));
        long stopping = System.nanoTime();
        doomed.runtime().stop(); // what SIGTERM runs
        Duration took = Duration.ofNanos(System.nanoTime() - stopping);
        assertTrue(took.compareTo(Duration.ofSeconds(6)) < 0, "stopped within the bound: " + took);
        assertEquals(0, number("select count(*) from provisioning_outbox where lease_token is not null"),
                "the lease was handed back, not left to expire");
        assertEquals(0, number("select attempts from provisioning_outbox where seq = " + seq),
                "an abandoned delivery is no failed attempt");
        assertEquals(List.of(), hanging.delivered());

        RecordingDelivery successor = RecordingDelivery.succeeding();
        var next = workers(successor, Map.of());
        try {
            await("delivered by the next worker", Duration.ofSeconds(10), outboxEmpty());
        } finally {
            next.runtime().stop();
        }
        assertEquals(1, successor.delivered().size());
        assertEquals(subject, successor.delivered().getFirst().task().subject().id());
        assertEquals(0, hanging.delivered().size(), "nothing delivered twice");
    }

    /**
     * Shutdown's first step ends claiming, before the request drain: a record enqueued while the plane drains a slow
     * request stays unclaimed for another instance, while the delivery already in flight still finishes and is
     * recorded as delivered (it is not abandoned and sent again).
     */
    @Test
    void onceShutdownBeginsNothingMoreIsClaimedAndTheDeliveryInFlightStillCompletes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        RecordingDelivery held = new RecordingDelivery(task -> {
            started.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            return new DeliveryOutcome.Delivered("ok");
        });
        UUID inFlight = UUID.randomUUID();
        long first = enqueue(inFlight);
        var plane = workers(held, Map.of("IRU_WORKER_COUNT", "2"));
        await("the delivery started", Duration.ofSeconds(10), () -> started.get() == 1);
        // A slow request keeps the drain (step 1) going for a while; the workers poll every 20 ms meanwhile.
        CompletableFuture<HttpResponse<String>> slow = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(plane.uri("/dev/sleep?ms=3000")).build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(200);
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(plane.runtime()::stop);
        await("the plane refuses requests (draining)", Duration.ofSeconds(5), () -> {
            try {
                return plane.get("/livez").statusCode() == 503;
            } catch (Exception e) {
                return false;
            }
        });
        long later = enqueue(UUID.randomUUID());
        Thread.sleep(500);
        release.countDown();
        await("the delivery in flight was recorded", Duration.ofSeconds(5), () -> {
            try {
                return number("select count(*) from provisioning_outbox where seq = " + first) == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertFalse(slow.isDone(), "recorded while the plane still drained, not abandoned at the workers' stop");
        stopping.get(30, TimeUnit.SECONDS);
        assertEquals(200, slow.get(5, TimeUnit.SECONDS).statusCode());
        assertEquals("0 0", deployment.queryAsOwner("eu", "select attempts || ' ' || count(lease_owner)"
                + " from provisioning_outbox where seq = " + later + " group by attempts"),
                "the record enqueued after shutdown began was never claimed");
        assertEquals(List.of(inFlight), held.calls.stream().map(c -> c.task().subject().id()).toList(),
                "one call, for the record claimed before shutdown, completed");
        assertEquals(1, held.delivered().size());
    }

    @Test
    void aHangingDownstreamTakesNoConnectionOrThreadFromTheApi() throws Exception {
        RecordingDelivery hanging = new RecordingDelivery(task -> {
            RecordingDelivery.pause(60_000);
            return new DeliveryOutcome.Delivered("too late");
        });
        for (int i = 0; i < 8; i++) {
            enqueue(UUID.randomUUID());
        }
        // A tenant plane serving requests and running its workers, every worker stuck on the downstream.
        var plane = deployment.start(Plane.tenant, Map.of("IRU_WORKER_COUNT", "4", "IRU_POOL_MAX", "4",
                "IRU_WORKER_POOL_MAX", "2", "IRU_WORKER_POLL_MILLIS", "20", "IRU_WORKER_BATCH", "1"), hanging, false);
        try {
            await("every worker is stuck", Duration.ofSeconds(10), () -> hanging.inFlight.values().stream()
                    .mapToInt(AtomicInteger::get).sum() == 4);
            for (int i = 0; i < 20; i++) {
                long began = System.nanoTime();
                var res = plane.as(acme.key(), "GET", "/t/acme/v1/users", null);
                assertEquals(200, res.statusCode(), res.body());
                long millis = Duration.ofNanos(System.nanoTime() - began).toMillis();
                assertTrue(millis < 1000, "a request waited " + millis + " ms behind the workers");
            }
        } finally {
            plane.runtime().stop();
        }
    }

    @Test
    void workersOffDeliversNothingAndTheWorkersCommandRefusesToRun() throws Exception {
        RecordingDelivery delivery = RecordingDelivery.succeeding();
        enqueue(UUID.randomUUID());
        var plane = deployment.start(Plane.tenant, Map.of("IRU_WORKERS", "off"), delivery, false);
        try {
            Thread.sleep(800);
            assertEquals(List.of(), delivery.calls);
            assertEquals(1, number("select count(*) from provisioning_outbox where lease_token is null"));
        } finally {
            plane.runtime().stop();
        }
        var refused = deployment.runWith(Map.of("IRU_WORKERS", "off"), "workers");
        assertEquals(2, refused.exitCode(), refused.output());
        var help = deployment.run("workers", "--help");
        assertEquals(0, help.exitCode(), help.output());
        assertTrue(help.output().contains("provisioning workers"), help.output());
    }

    @Test
    void changesCommittedDuringADeliveryAreDeliveredAfterItAndOlderOnesAreCoalesced() throws Exception {
        UUID subject = UUID.randomUUID();
        enqueue(subject);
        enqueue(subject);
        long newest = enqueue(subject);
        java.util.concurrent.CountDownLatch delivering = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch proceed = new java.util.concurrent.CountDownLatch(1);
        RecordingDelivery delivery = new RecordingDelivery(task -> {
            if (task.sequence() == newest) {
                delivering.countDown();
                try {
                    assertTrue(proceed.await(10, java.util.concurrent.TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new DeliveryOutcome.Delivered("ok");
        });
        var running = workers(delivery, Map.of());
        long later;
        try {
            assertTrue(delivering.await(10, java.util.concurrent.TimeUnit.SECONDS));
            later = enqueue(subject); // committed while the claimed rows are being delivered
            proceed.countDown();
            await("the outbox is empty", Duration.ofSeconds(10), outboxEmpty());
        } finally {
            running.runtime().stop();
        }
        assertEquals(List.of(newest, later), delivery.calls.stream().map(c -> c.task().sequence()).toList(),
                "three rows before the claim made one delivery (the newest); the row after it made another");
    }

    @Test
    void printsThroughputWithAnInstantDownstream() throws Exception {
        int records = 2000;
        RecordingDelivery first = RecordingDelivery.succeeding();
        RecordingDelivery second = first.sibling(first.behaviour);
        var one = workers(first, Map.of());
        var two = workers(second, Map.of());
        long began;
        try {
            began = System.nanoTime();
            sql("insert into provisioning_outbox (tenant_id, app_id, subject_kind, subject_id, cause, next_attempt_at,"
                    + " created_at) select '" + acme.id() + "', '" + acmeApp + "', 'user', gen_random_uuid(),"
                    + " 'assignment.added', now(), now() from generate_series(1, " + records + ")");
            await("the outbox is empty", Duration.ofSeconds(120), outboxEmpty());
            assertEquals(200, one.get("/readyz").statusCode(), "`iru workers` serves its health probes");
        } finally {
            one.runtime().stop();
            two.runtime().stop();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        assertEquals(records, first.delivered().size() + second.delivered().size(), "nothing lost, nothing twice");
        System.out.printf("provisioning throughput: %d records, 2 processes x 4 workers, batch 10, instant downstream:"
                + " %.0f deliveries/s (%.1f s)%n", records, records / seconds, seconds);
    }

    /** Inserts a row of `tenant`'s application, created `ageSeconds` ago, due in an hour; parked when asked. */
    static void backlog(TestDeployment.TenantWithKey tenant, String app, int ageSeconds, boolean parked)
            throws Exception {
        sql("insert into provisioning_outbox (tenant_id, app_id, subject_kind, subject_id, cause, next_attempt_at,"
                + " created_at, parked_at) values ('" + tenant.id() + "', '" + app + "', 'user', '" + UUID.randomUUID()
                + "', 'user.updated', now() + interval '1 hour', now() - interval '" + ageSeconds + " seconds', "
                + (parked ? "now()" : "null") + ")");
    }

    static List<MetricsEndpointTest.Series> outboxSeries(TestDeployment.Plane plane) {
        try {
            return MetricsEndpointTest.parse(plane.get("/metrics").body()).stream()
                    .filter(s -> s.name().startsWith("iru_provisioning_outbox_")).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static double gauge(List<MetricsEndpointTest.Series> series, String name) {
        return series.stream().filter(s -> s.name().equals(name) && s.has("region", "eu")).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + series)).value();
    }

    @Test
    void theOutboxGaugesCountEveryTenantsRecordsPerRegionAndNameNoTenant() throws Exception {
        backlog(acme, acmeApp, 120, false);
        backlog(acme, acmeApp, 60, false);
        backlog(rival, rivalApp, 30, false);
        backlog(rival, rivalApp, 600, true); // parked: counted as parked, not as the oldest pending
        var running = workers(RecordingDelivery.succeeding(), Map.of());
        try {
            await("the gauges read", Duration.ofSeconds(15),
                    () -> gauge(outboxSeries(running), "iru_provisioning_outbox_pending") == 3);
            String body = running.get("/metrics").body();
            List<MetricsEndpointTest.Series> series = outboxSeries(running);
            assertEquals(1, gauge(series, "iru_provisioning_outbox_parked"));
            double oldest = gauge(series, "iru_provisioning_outbox_oldest_pending_seconds");
            assertTrue(oldest >= 120 && oldest < 200, "oldest pending " + oldest);
            // Three gauges per served region (eu and us), labelled by region only; us has none of eu's records.
            assertEquals(6, series.size(), series.toString());
            for (var s : series) {
                assertTrue(s.labels().equals("region=\"eu\"") || s.labels().equals("region=\"us\""), s.toString());
                if (s.has("region", "us")) {
                    assertEquals(0, s.value(), s.toString());
                }
            }
            for (String id : List.of(acme.id().toString(), rival.id().toString(), acmeApp, rivalApp, "acme",
                    "rival")) {
                assertFalse(body.contains(id), "/metrics names " + id);
            }
            // A parked record retried and the backlog delivered: the gauges follow within a read interval.
            sql("delete from provisioning_outbox");
            await("the gauges follow", Duration.ofSeconds(15),
                    () -> gauge(outboxSeries(running), "iru_provisioning_outbox_pending") == 0);
            series = outboxSeries(running);
            assertEquals(0, gauge(series, "iru_provisioning_outbox_parked"));
            assertEquals(0, gauge(series, "iru_provisioning_outbox_oldest_pending_seconds"));
        } finally {
            running.runtime().stop();
        }
    }

    @Test
    void onlyTheTenantRoleMayReadTheOutboxAggregatesAndTheyHoldNoTenant() throws Exception {
        backlog(acme, acmeApp, 10, false);
        backlog(rival, rivalApp, 10, true);
        var database = IruConfig.from(deployment.environment).database();
        var tenantRole = database.tenantRuntime();
        var controlRole = database.controlRuntime();
        try (Connection c = DriverManager.getConnection(deployment.databases.url("eu"), controlRole.user(),
                controlRole.password()); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class,
                    () -> s.executeQuery("select * from provisioning_outbox_stats()"));
            assertEquals("42501", e.getSQLState(), e.getMessage());
        }
        try (Connection c = DriverManager.getConnection(deployment.databases.url("eu"), tenantRole.user(),
                tenantRole.password()); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select count(*) from provisioning_outbox")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "row-level security hides the rows themselves");
            }
            try (ResultSet rs = s.executeQuery("select * from provisioning_outbox_stats()")) {
                assertTrue(rs.next());
                assertEquals(3, rs.getMetaData().getColumnCount(), "aggregates only");
                assertEquals(1, rs.getLong("pending"));
                assertEquals(1, rs.getLong("parked"));
                assertFalse(rs.next());
            }
        }
    }

    static String grouped(List<RecordingDelivery.Call> calls) {
        return calls.stream().collect(Collectors.groupingBy(RecordingDelivery.Call::result, Collectors.counting()))
                .toString();
    }
}
