package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.Member;
import com.unboundid.scim2.common.types.UserResource;
import iru.application.provisioning.DeliveryOutcome;
import iru.application.provisioning.ProvisioningSubject;
import iru.foundation.net.OutboundAddressPolicy;
import iru.interfaces.provisioning.ScimProvisioning;
import iru.testkit.scim.LoopbackScimServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SCIM delivery against the loopback SCIM server, checked by the END STATE of its accounts (and our record of them):
 * each task brings one subject's account in line with the directory as it is when the task runs.
 */
class ScimDeliveryTest {
    static ScimFixture fx;
    static ScimProvisioning scim;
    static int counter;

    LoopbackScimServer server;
    String token;
    String app;

    @BeforeAll
    static void start() throws Exception {
        fx = new ScimFixture("t_scim_delivery");
        scim = fx.provisioning(Duration.ofSeconds(1));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @BeforeEach
    void newApplication() throws Exception {
        counter++;
        token = "scim-token-" + counter;
        server = LoopbackScimServer.start(token);
        app = fx.app(server.baseUri().toString(), token);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    String name(String base) {
        return base + "-" + counter;
    }

    DeliveryOutcome deliverUser(String userId) {
        return fx.deliver(scim, app, new ProvisioningSubject.User(UUID.fromString(userId)));
    }

    static void assertDelivered(DeliveryOutcome outcome) {
        assertInstanceOf(DeliveryOutcome.Delivered.class, outcome, outcome.toString());
    }

    @Test
    void createsReplacesDeactivatesAndDeletesAnAssignedUsersAccount() throws Exception {
        String alice = fx.user(name("alice"));
        fx.assign(app, alice);

        assertDelivered(deliverUser(alice));
        assertEquals(1, server.users().size());
        UserResource created = server.users().getFirst();
        assertEquals(name("alice"), created.getUserName());
        assertEquals(alice, created.getExternalId());
        assertEquals(Boolean.TRUE, created.getActive());
        assertEquals(name("alice") + "@example.com", created.getEmails().getFirst().getValue());
        assertEquals("Given", created.getName().getGivenName());
        assertEquals(Optional.of(created.getId()), fx.remoteId(app, "user", alice));

        fx.rename(alice, "Alice A.");
        server.clearRequests();
        assertDelivered(deliverUser(alice));
        assertEquals("Alice A.", server.user(created.getId()).orElseThrow().getDisplayName());
        assertEquals(1, server.users().size());
        assertTrue(server.requests().stream().anyMatch(r -> r.method().equals("PUT") && r.ifMatch() != null),
                "the replace carries the ETag we recorded");

        fx.ok("POST", "/users/" + alice + "/deactivate", null);
        assertDelivered(deliverUser(alice));
        assertEquals(Boolean.FALSE, server.user(created.getId()).orElseThrow().getActive());

        fx.unassign(app, alice);
        assertDelivered(deliverUser(alice));
        assertEquals(0, server.users().size());
        assertEquals(Optional.empty(), fx.remoteId(app, "user", alice));
    }

    @Test
    void aDeletedUsersAccountIsDeleted() throws Exception {
        String bob = fx.user(name("bob"));
        fx.assign(app, bob);
        assertDelivered(deliverUser(bob));
        fx.ok("DELETE", "/users/" + bob, null);

        assertDelivered(deliverUser(bob));
        assertEquals(0, server.users().size());
        assertEquals(Optional.empty(), fx.remoteId(app, "user", bob));
    }

    @Test
    void anInactiveUserWithoutAccountGetsNone() throws Exception {
        String carol = fx.user(name("carol"));
        fx.assign(app, carol);
        fx.ok("POST", "/users/" + carol + "/deactivate", null);

        assertDelivered(deliverUser(carol));
        assertEquals(0, server.users().size());
    }

    @Test
    void aConflictAdoptsTheExistingAccountByUserName() throws Exception {
        String dave = fx.user(name("dave"));
        fx.assign(app, dave);
        UserResource existing = server.addUserDirectly(new UserResource().setUserName(name("dave"))
                .setDisplayName("made by hand"));

        DeliveryOutcome outcome = deliverUser(dave);
        assertDelivered(outcome);
        assertTrue(((DeliveryOutcome.Delivered) outcome).summary().startsWith("adopted"), outcome.toString());
        assertEquals(1, server.users().size(), "adopted, not duplicated");
        UserResource adopted = server.users().getFirst();
        assertEquals(existing.getId(), adopted.getId());
        assertEquals(dave, adopted.getExternalId());
        assertEquals(null, adopted.getDisplayName(), "replaced with ours");
        assertEquals(Optional.of(existing.getId()), fx.remoteId(app, "user", dave));
    }

    @Test
    void anAccountDeletedBehindOurBackIsCreatedAgain() throws Exception {
        String erin = fx.user(name("erin"));
        fx.assign(app, erin);
        assertDelivered(deliverUser(erin));
        String first = fx.remoteId(app, "user", erin).orElseThrow();
        assertTrue(server.deleteUserDirectly(first));

        assertDelivered(deliverUser(erin));
        assertEquals(1, server.users().size());
        String second = server.users().getFirst().getId();
        assertNotEquals(first, second);
        assertEquals(Optional.of(second), fx.remoteId(app, "user", erin));
    }

    @Test
    void deletingAnAccountThatIsAlreadyGoneIsDone() throws Exception {
        String frank = fx.user(name("frank"));
        fx.assign(app, frank);
        assertDelivered(deliverUser(frank));
        server.deleteUserDirectly(fx.remoteId(app, "user", frank).orElseThrow());
        fx.unassign(app, frank);

        assertDelivered(deliverUser(frank));
        assertEquals(Optional.empty(), fx.remoteId(app, "user", frank));
    }

    @Test
    void aRemoteIdCannotAddressAnythingButItsOwnAccount() throws Exception {
        String ruth = fx.user(name("ruth"));
        fx.assign(app, ruth);
        GroupResource bystander = server.addGroupDirectly(new GroupResource().setDisplayName(name("bystander")));
        String hostile = "../Groups/" + bystander.getId();
        try (var c = fx.deployment.databases.connectAsOwner("eu");
             var s = c.prepareStatement("insert into app_accounts (tenant_id, app_id, subject_kind, subject_id,"
                     + " remote_id, provisioned_at) values (?, ?, 'user', ?, ?, now())")) {
            s.setObject(1, UUID.fromString(fx.tenant.id()));
            s.setObject(2, UUID.fromString(app));
            s.setObject(3, UUID.fromString(ruth));
            s.setString(4, hostile);
            s.executeUpdate();
        }
        fx.unassign(app, ruth);

        assertDelivered(deliverUser(ruth)); // the application answers 404 for that id: nothing to delete
        assertTrue(server.group(bystander.getId()).isPresent(), "the group was not addressed");
        var sent = server.requests().getLast();
        assertEquals("DELETE", sent.method());
        assertEquals(404, sent.status(), "one path segment under /Users, which names no user");
        assertEquals(Optional.empty(), fx.remoteId(app, "user", ruth));
    }

    @Test
    void serviceUnavailableAndThrottlingAreRetriedLater() throws Exception {
        String gina = fx.user(name("gina"));
        fx.assign(app, gina);

        server.failNext(1, 503);
        DeliveryOutcome unavailable = deliverUser(gina);
        assertInstanceOf(DeliveryOutcome.RetryLater.class, unavailable, unavailable.toString());
        assertTrue(((DeliveryOutcome.RetryLater) unavailable).reason().contains("503"), unavailable.toString());

        server.throttleRandomly(1.0, Duration.ofSeconds(7));
        DeliveryOutcome throttled = deliverUser(gina);
        assertEquals(new DeliveryOutcome.RetryLater(((DeliveryOutcome.RetryLater) throttled).reason(),
                Optional.of(Duration.ofSeconds(7))), throttled, "Retry-After is passed on");
        assertEquals(0, server.users().size());
        assertEquals(Optional.empty(), fx.remoteId(app, "user", gina));

        server.healthy();
        assertDelivered(deliverUser(gina));
        assertEquals(1, server.users().size());
    }

    @Test
    void aWrongCredentialIsRejectedAndARotationTakesEffectAtOnce() throws Exception {
        String hank = fx.user(name("hank"));
        fx.assign(app, hank);
        server.token("rotated-" + counter);

        DeliveryOutcome refused = deliverUser(hank);
        assertInstanceOf(DeliveryOutcome.Rejected.class, refused, refused.toString());
        assertTrue(((DeliveryOutcome.Rejected) refused).reason().contains("401"), refused.toString());
        assertEquals(0, server.users().size());

        fx.credential(app, "rotated-" + counter); // through the API, into the secret store; no restart, no cache
        assertDelivered(deliverUser(hank));
        assertEquals(1, server.users().size());
        assertTrue(server.requests().getLast().bearer("rotated-" + counter));
    }

    @Test
    void aHangingServerIsRetriedLaterWithinTheTimeout() throws Exception {
        String ivan = fx.user(name("ivan"));
        fx.assign(app, ivan);
        server.hang(Duration.ofSeconds(20));

        long started = System.nanoTime();
        DeliveryOutcome outcome = deliverUser(ivan);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        server.healthy();
        assertInstanceOf(DeliveryOutcome.RetryLater.class, outcome, outcome.toString());
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "returned after " + took + " (timeout 1 s)");
    }

    @Test
    void aServerThatIsDownIsRetriedLater() throws Exception {
        String judy = fx.user(name("judy"));
        fx.assign(app, judy);
        server.down();

        DeliveryOutcome outcome = deliverUser(judy);
        assertInstanceOf(DeliveryOutcome.RetryLater.class, outcome, outcome.toString());

        server.up();
        assertDelivered(deliverUser(judy));
        assertEquals(1, server.users().size());
    }

    @Test
    void anInterruptedDeliveryReturnsPromptly() throws Exception {
        String kim = fx.user(name("kim"));
        fx.assign(app, kim);
        server.hang(Duration.ofSeconds(20));
        ScimProvisioning patient = fx.provisioning(Duration.ofSeconds(30));

        var result = new java.util.concurrent.atomic.AtomicReference<DeliveryOutcome>();
        Thread worker = Thread.ofVirtual().start(() -> result.set(fx.deliver(patient, app,
                new ProvisioningSubject.User(UUID.fromString(kim)))));
        Thread.sleep(500);
        long started = System.nanoTime();
        worker.interrupt();
        worker.join(Duration.ofSeconds(5));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        server.healthy();
        assertFalse(worker.isAlive(), "the delivery did not return after its thread was interrupted");
        assertInstanceOf(DeliveryOutcome.RetryLater.class, result.get(), String.valueOf(result.get()));
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "returned after " + took);
    }

    @Test
    void productionRefusesALoopbackScimEndpointWithoutCallingIt() throws Exception {
        String liz = fx.user(name("liz"));
        fx.assign(app, liz);
        ScimProvisioning production = fx.provisioning(OutboundAddressPolicy.Mode.PRODUCTION, Duration.ofSeconds(1));

        DeliveryOutcome outcome = fx.deliver(production, app, new ProvisioningSubject.User(UUID.fromString(liz)));
        assertInstanceOf(DeliveryOutcome.Rejected.class, outcome, outcome.toString());
        assertTrue(((DeliveryOutcome.Rejected) outcome).reason().contains("loopback"), outcome.toString());
        assertEquals(0, server.requests().size(), "no request reached the server");
        assertEquals(0, server.users().size());
    }

    @Test
    void anApplicationWithoutEndpointOrCredentialIsRejected() throws Exception {
        String mia = fx.user(name("mia"));
        String withoutUrl = fx.ok("POST", "/apps", "{\"templateKey\":\"slack\",\"displayName\":\"No SCIM\"}")
                .get("id").asText();
        fx.assign(withoutUrl, mia);
        DeliveryOutcome noUrl = fx.deliver(scim, withoutUrl, new ProvisioningSubject.User(UUID.fromString(mia)));
        assertEquals(new DeliveryOutcome.Rejected("the application has no SCIM base URL"), noUrl);

        String withoutCredential = fx.app(server.baseUri().toString(), null);
        fx.assign(withoutCredential, mia);
        DeliveryOutcome noCredential = fx.deliver(scim, withoutCredential,
                new ProvisioningSubject.User(UUID.fromString(mia)));
        assertEquals(new DeliveryOutcome.Rejected("no SCIM credential is set for the application"), noCredential);
        assertEquals(0, server.requests().size());
    }

    @Test
    void anotherTenantsTaskCannotReachThisTenantsUsers() throws Exception {
        String nina = fx.user(name("nina"));
        fx.assign(app, nina);
        // The same app and user ids, but run for the rival tenant: row-level security shows it nothing.
        var rival = fx.router.inDirectoryTransaction(c -> new iru.domain.tenant.TenantDirectory().findById(c,
                new iru.domain.tenant.TenantId(UUID.fromString(fx.rival.id())))).orElseThrow();
        DeliveryOutcome outcome = scim.delivery().deliver(rival, new iru.application.provisioning.ProvisioningTask(1,
                rival.id(), UUID.fromString(app), new ProvisioningSubject.User(UUID.fromString(nina)), "attack", 1,
                Optional.empty()));
        assertEquals(new DeliveryOutcome.Delivered("the application no longer exists"), outcome);
        assertEquals(0, server.requests().size());
    }

    @Test
    void aGroupIsPushedWithItsProvisionedMembersAndRemovedWhenUnassigned() throws Exception {
        String olga = fx.user(name("olga"));
        String pete = fx.user(name("pete"));
        String outsider = fx.user(name("quinn"));
        String group = fx.ok("POST", "/groups", "{\"displayName\":\"" + name("Engineering") + "\"}").get("id").asText();
        fx.ok("PUT", "/groups/" + group + "/members/" + olga, null);
        fx.ok("PUT", "/groups/" + group + "/members/" + pete, null);
        fx.ok("PUT", "/apps/" + app + "/assignments/groups/" + group, null);
        assertDelivered(deliverUser(olga));
        assertDelivered(deliverUser(pete));
        assertDelivered(deliverUser(outsider)); // not assigned: nothing

        assertDelivered(fx.deliver(scim, app, new ProvisioningSubject.Group(UUID.fromString(group))));
        assertEquals(2, server.users().size());
        assertEquals(1, server.groups().size());
        GroupResource pushed = server.groups().getFirst();
        assertEquals(name("Engineering"), pushed.getDisplayName());
        assertEquals(group, pushed.getExternalId());
        Set<String> members = pushed.getMembers().stream().map(Member::getValue).collect(Collectors.toSet());
        assertEquals(Set.of(fx.remoteId(app, "user", olga).orElseThrow(), fx.remoteId(app, "user", pete).orElseThrow()),
                members);

        fx.ok("DELETE", "/groups/" + group + "/members/" + pete, null);
        assertDelivered(fx.deliver(scim, app, new ProvisioningSubject.Group(UUID.fromString(group))));
        assertEquals(Set.of(fx.remoteId(app, "user", olga).orElseThrow()), server.groups().getFirst().getMembers()
                .stream().map(Member::getValue).collect(Collectors.toSet()));

        fx.ok("DELETE", "/apps/" + app + "/assignments/groups/" + group, null);
        assertDelivered(fx.deliver(scim, app, new ProvisioningSubject.Group(UUID.fromString(group))));
        assertEquals(0, server.groups().size());
        assertEquals(Optional.empty(), fx.remoteId(app, "group", group));
    }

    /**
     * A worker's batch: the users are read at once, delivered at the same time, and their accounts recorded together
     * (one transaction) before each reads the groups it must join; every account ends recorded and in its group, and
     * a task of the batch that records nothing (an unassigned user) holds none of the others back.
     */
    @Test
    void aBatchOfUsersPreparedTogetherEndsRecordedAndInTheirGroup() throws Exception {
        String group = fx.ok("POST", "/groups", "{\"displayName\":\"" + name("Batch") + "\"}").get("id").asText();
        List<String> people = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            people.add(fx.user(name("batch" + i)));
            fx.ok("PUT", "/groups/" + group + "/members/" + people.getLast(), null);
        }
        String outsider = fx.user(name("outsider"));
        fx.ok("PUT", "/apps/" + app + "/assignments/groups/" + group, null);
        assertDelivered(fx.deliver(scim, app, new ProvisioningSubject.Group(UUID.fromString(group))));

        List<String> subjects = new java.util.ArrayList<>(people);
        subjects.add(outsider);
        List<iru.application.provisioning.ProvisioningTask> tasks = new java.util.ArrayList<>();
        for (int i = 0; i < subjects.size(); i++) {
            tasks.add(new iru.application.provisioning.ProvisioningTask(1_000_000L + counter * 100L + i,
                    fx.location.id(), UUID.fromString(app), new ProvisioningSubject.User(UUID.fromString(
                            subjects.get(i))), "test", 1, Optional.empty()));
        }
        var batch = scim.delivery().prepare(fx.location, tasks);
        List<java.util.concurrent.Future<DeliveryOutcome>> outcomes;
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            outcomes = tasks.stream().map(t -> threads.submit(() -> batch.deliver(t))).toList();
        }
        for (var outcome : outcomes) {
            assertDelivered(outcome.get());
        }
        assertEquals(people.size(), server.users().size());
        Set<String> recorded = new java.util.HashSet<>();
        for (String member : people) {
            recorded.add(fx.remoteId(app, "user", member).orElseThrow());
        }
        assertEquals(recorded, Set.copyOf(members(server.groups().getFirst())));
        assertEquals(Optional.empty(), fx.remoteId(app, "user", outsider));
    }

    @Test
    void aUserProvisionedAfterTheirGroupJoinsIt() throws Exception {
        String sam = fx.user(name("sam"));
        String group = fx.ok("POST", "/groups", "{\"displayName\":\"" + name("Support") + "\"}").get("id").asText();
        fx.ok("PUT", "/groups/" + group + "/members/" + sam, null);
        fx.ok("PUT", "/apps/" + app + "/assignments/groups/" + group, null);
        assertDelivered(fx.deliver(scim, app, new ProvisioningSubject.Group(UUID.fromString(group))));
        assertEquals(List.of(), members(server.groups().getFirst()), "pushed before its member had an account");

        assertDelivered(deliverUser(sam));
        assertEquals(1, server.users().size());
        String remote = fx.remoteId(app, "user", sam).orElseThrow();
        assertEquals(List.of(remote), members(server.groups().getFirst()));
    }

    @Test
    void aGroupOf500EndsAsExactlyThoseAccountsThroughAFlakyServer() throws Exception {
        int size = 500;
        String group = fx.ok("POST", "/groups", "{\"displayName\":\"" + name("All hands") + "\"}").get("id").asText();
        Set<String> userNames = new java.util.HashSet<>();
        java.util.List<ProvisioningSubject> tasks = new java.util.ArrayList<>();
        tasks.add(new ProvisioningSubject.Group(UUID.fromString(group))); // the group first: worst case for members
        for (int i = 0; i < size; i++) {
            String userName = name("member" + i);
            String id = fx.user(userName);
            fx.ok("PUT", "/groups/" + group + "/members/" + id, null);
            userNames.add(userName);
            tasks.add(new ProvisioningSubject.User(UUID.fromString(id)));
        }
        fx.ok("PUT", "/apps/" + app + "/assignments/groups/" + group, null);
        server.failRandomly(0.3, 503);
        server.delayRandomly(Duration.ofMillis(1), Duration.ofMillis(5));

        var attempts = new java.util.concurrent.atomic.AtomicInteger();
        var queue = new java.util.concurrent.ConcurrentLinkedQueue<>(tasks);
        long started = System.nanoTime();
        try (var workers = java.util.concurrent.Executors.newFixedThreadPool(4, Thread.ofVirtual().factory())) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int w = 0; w < 4; w++) {
                futures.add(workers.submit(() -> {
                    for (ProvisioningSubject task; (task = queue.poll()) != null; ) {
                        DeliveryOutcome outcome;
                        int tries = 0;
                        do { // what the workers do, with a token backoff: retry until delivered
                            outcome = fx.deliver(scim, app, task, ++tries);
                            attempts.incrementAndGet();
                            if (outcome instanceof DeliveryOutcome.Rejected || tries > 1000) {
                                throw new AssertionError(task + " -> " + outcome);
                            }
                            if (outcome instanceof DeliveryOutcome.RetryLater) {
                                Thread.sleep(5); // a token backoff: the group's task needs a few calls in a row
                            }
                        } while (!(outcome instanceof DeliveryOutcome.Delivered));
                    }
                    return null;
                }));
            }
            for (var future : futures) {
                future.get(); // an AssertionError in a worker fails the test here
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        server.healthy();
        System.out.printf("scim delivery: %d tasks (%d attempts, 30%% 503 + 1-5 ms delay) in %.2f s = %.0f tasks/s"
                + " with 4 threads%n", tasks.size(), attempts.get(), seconds, tasks.size() / seconds);

        assertEquals(userNames, server.users().stream().map(UserResource::getUserName).collect(Collectors.toSet()));
        assertEquals(size, server.users().size(), "no duplicates");
        assertEquals(1, server.groups().size());
        Set<String> remoteIds = server.users().stream().map(UserResource::getId).collect(Collectors.toSet());
        Set<String> inGroup = Set.copyOf(members(server.groups().getFirst()));
        assertEquals(remoteIds, inGroup, "every member in the group (missing "
                + remoteIds.stream().filter(id -> !inGroup.contains(id)).count() + ", extra "
                + inGroup.stream().filter(id -> !remoteIds.contains(id)).count() + ")");
    }

    static List<String> members(GroupResource group) {
        return group.getMembers() == null ? List.of() : group.getMembers().stream().map(Member::getValue).toList();
    }

    /**
     * `app_accounts` is a mirror (region V17): a delivery records the account without a journal entry, so without
     * the tenant's chain lock, and `verify-audit` still passes (the frozen journal keeps the chains whole, the
     * mirror's rows are not reconciled against it). Re-attaching the journal trigger, or unfreezing the old journal,
     * fails the check naming it.
     */
    @Test
    void accountsAreAMirrorRecordedOutsideTheJournalChainAndTheSchemaCheckHoldsItToThat() throws Exception {
        String dora = fx.user(name("dora"));
        fx.assign(app, dora);
        String chainHead = "select last_seq from audit_chain_head where tenant_id = '" + fx.tenant.id() + "'";
        String before = fx.deployment.queryAsOwner("eu", chainHead);
        assertDelivered(deliverUser(dora));
        assertTrue(fx.remoteId(app, "user", dora).isPresent());
        assertEquals(before, fx.deployment.queryAsOwner("eu", chainHead), "the delivery wrote no journal entry");

        var clean = fx.deployment.run("verify-audit", "--region", "eu");
        assertEquals(0, clean.exitCode(), clean.output());
        assertTrue(clean.output().contains("mirror=[app_accounts]"), clean.output());
        try (var c = fx.deployment.databases.connectAsOwner("eu"); var s = c.createStatement()) {
            s.execute("create trigger app_accounts_audit after insert or update or delete on app_accounts"
                    + " for each row execute function audit_append()");
            s.execute("drop trigger audit_app_accounts_append_only on audit_app_accounts");
        }
        try {
            var verify = fx.deployment.run("verify-audit", "--region", "eu");
            assertEquals(1, verify.exitCode(), verify.output());
            assertTrue(verify.output().contains("app_accounts: is declared mirror but trigger app_accounts_audit"
                    + " still journals it"), verify.output());
            assertTrue(verify.output().contains("audit_app_accounts: trigger audit_app_accounts_append_only is"
                    + " missing"), verify.output());
        } finally {
            try (var c = fx.deployment.databases.connectAsOwner("eu"); var s = c.createStatement()) {
                s.execute("drop trigger app_accounts_audit on app_accounts");
                s.execute("create trigger audit_app_accounts_append_only before update or delete on"
                        + " audit_app_accounts for each row execute function audit_journal_is_append_only()");
            }
        }
        assertEquals(0, fx.deployment.run("verify-audit", "--region", "eu").exitCode());
    }
}
