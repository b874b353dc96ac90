package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.scim2.common.types.UserResource;
import iru.testkit.scim.LoopbackScimServer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** What the reliability suite proves after each fault: deliveries exact and once, and the audit clean. */
final class Reliability {
    private Reliability() {
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls `condition` every 100 ms until it holds; fails with `what` after `within`. Returns the seconds taken. */
    static double await(Condition condition, Duration within, String what) throws Exception {
        long started = System.nanoTime();
        long deadline = started + within.toNanos();
        while (!condition.holds()) {
            assertTrue(System.nanoTime() < deadline, what + ": not within " + within);
            Thread.sleep(100);
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /**
     * Waits until the outbox of the target's SCIM application is empty and the server holds exactly the `expected`
     * accounts (user names), all of them members of its one group; nothing may be parked.
     */
    static void awaitDelivered(TestDeployment deployment, LoopbackScimServer server, ReliabilityLoad.Target target,
            Set<String> expected, Duration within) throws Exception {
        String outbox = "select count(*) from provisioning_outbox where app_id = '" + target.scimApp() + "'";
        try {
            await(() -> deployment.queryAsOwner("eu", outbox).equals("0")
                    && expected.equals(ProvisioningSigtermIT.userNames(server))
                    && expected.equals(ProvisioningSigtermIT.members(server)), within, "deliveries caught up");
        } catch (AssertionError e) {
            Set<String> accounts = ProvisioningSigtermIT.userNames(server);
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(accounts);
            Set<String> extra = new TreeSet<>(accounts);
            extra.removeAll(expected);
            throw new AssertionError(e.getMessage() + ": outbox " + deployment.queryAsOwner("eu", outbox)
                    + ", accounts missing " + missing + ", extra " + extra + ", group members "
                    + ProvisioningSigtermIT.members(server).size() + " of " + expected.size(), e);
        }
        assertEquals("0", deployment.queryAsOwner("eu", "select count(*) from provisioning_outbox"
                + " where parked_at is not null"), "nothing parked");
    }

    /** Every expected account was created by exactly one successful `POST /Users`; returns how many. */
    static long assertEachAccountCreatedOnce(LoopbackScimServer server, Set<String> expected) {
        Map<String, Long> createdPerName = server.requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/Users") && r.status() == 201)
                .collect(Collectors.groupingBy(ProvisioningSigtermIT::userName, TreeMap::new, Collectors.counting()));
        assertEquals(expected, createdPerName.keySet(), "accounts created");
        Map<String, Long> twice = new TreeMap<>(createdPerName);
        twice.values().removeIf(n -> n == 1);
        assertEquals(Map.of(), twice, "accounts created more than once");
        assertEquals(expected, server.users().stream().map(UserResource::getUserName)
                .collect(Collectors.toSet()), "the server's accounts");
        return createdPerName.size();
    }

    /**
     * `verify-audit` over the deployment's directory and both regional databases: migrations unchanged, journals
     * complete, every tenant's hash chain intact, and the rows-versus-journal reconciliation finding nothing.
     */
    static void assertAuditClean(TestDeployment deployment) {
        TestDeployment.CommandResult audit = deployment.run("verify-audit");
        assertEquals(0, audit.exitCode(), audit.output());
        assertTrue(audit.output().contains("verify-audit: OK"), audit.output());
        System.out.println(audit.output().lines().filter(l -> l.startsWith("verify-audit: OK")).findFirst()
                .orElseThrow() + " on " + String.join(", ", deployment.databases.names()));
    }

    /** Sessions in `kind`'s database (directory, us, eu) whose last statement was a LISTEN. */
    static int listening(TestDeployment deployment, String kind) throws Exception {
        return Integer.parseInt(deployment.queryAsOwner(kind, "select count(*) from pg_stat_activity"
                + " where datname = current_database() and query ilike 'listen %'"));
    }
}
