package iru.foundation.database;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.foundation.config.DatabaseCredentials;
import iru.foundation.errors.ErrorReporter;
import iru.testkit.LoopbackTcpRelay;
import iru.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The LISTEN connection behind the credential and tenant caches, reached through a relay that silences connections:
 * no FIN, no RST, so only the listener's own round trips can tell. A notice lost with a silently dead connection must
 * be followed by a reconnect and a resync (the caches dropped) within the liveness bound; and while the whole network
 * is silent, reconnecting must not hang, so the listener listens again soon after the network is back.
 */
class ChangeNotificationListenerTest {
    static final String CHANNEL = "liveness_test";
    static final ChangeNotificationListener.Liveness LIVENESS = new ChangeNotificationListener.Liveness(
            Duration.ofMillis(500), Duration.ofSeconds(1));
    /** What a reconnect may take beyond the bound: the first retry's backoff, a poll, a busy 2-core machine. */
    static final Duration SLACK = Duration.ofSeconds(2);

    static TestDatabases databases;

    @BeforeAll
    static void create() {
        databases = TestDatabases.create("t_listen_liveness");
    }

    @AfterAll
    static void drop() {
        databases.close();
    }

    @Test
    void aSilentlyDeadConnectionIsReplacedWithinTheBoundAndTheCachesDropped() throws Exception {
        try (Listening listening = Listening.start()) {
            LoopbackTcpRelay relay = listening.relay();
            List<String> events = listening.events();
            notifyChannel("before");
            await(() -> events.contains("notice before"), Duration.ofSeconds(5), "a notice while connected", events);

            relay.silenceOpenConnections(); // as a NAT entry that vanished: new connections get through
            long silenced = System.nanoTime();
            int resyncs = count(events, "resync");
            notifyChannel("revoked"); // dies with the connection: the cache it was for must be dropped all the same
            await(() -> count(events, "resync") > resyncs, LIVENESS.bound().plus(SLACK).plus(SLACK),
                    "a resync after the connection went silent", events);
            Duration resynced = Duration.ofNanos(System.nanoTime() - silenced);
            System.out.println("listener resynced " + resynced.toMillis() + " ms after its connection went silent"
                    + " (bound " + LIVENESS.bound().toMillis() + " ms + backoff)");
            assertTrue(resynced.compareTo(LIVENESS.bound().plus(SLACK)) <= 0, "resynced after " + resynced);
            assertFalse(listening.reported().isEmpty(), "the dead connection was not reported");
            awaitNotice("after", events);
            assertFalse(events.contains("notice revoked"), "a notice crossed a silent connection: " + events);
        }
    }

    @Test
    void reconnectingThroughASilentNetworkDoesNotHangAndResumesOnceItIsBack() throws Exception {
        try (Listening listening = Listening.start()) {
            LoopbackTcpRelay relay = listening.relay();
            List<String> events = listening.events();
            relay.goSilent();
            int accepted = relay.accepted();
            // Without a timeout on connecting, the first attempt would wait for the handshake forever.
            await(() -> relay.accepted() >= accepted + 2, LIVENESS.bound().multipliedBy(3).plus(SLACK),
                    "two attempts to reconnect through the silent network", events);
            events.add("restored");
            relay.restore();
            awaitNotice("back", events);
            List<String> sinceRestore = events.subList(events.indexOf("restored"), events.indexOf("notice back"));
            assertTrue(sinceRestore.contains("resync"), "no resync between reconnecting and the next notice: " + events);
        }
    }

    /** A listener through a fresh relay, connected; `events` records its notices and resyncs in order. */
    record Listening(LoopbackTcpRelay relay, ChangeNotificationListener listener, List<String> events,
            List<Throwable> reported) implements AutoCloseable {
        static Listening start() throws InterruptedException {
            LoopbackTcpRelay relay = LoopbackTcpRelay.to(TestDatabases.HOST);
            List<String> events = new CopyOnWriteArrayList<>();
            List<Throwable> reported = new CopyOnWriteArrayList<>();
            ErrorReporter errors = new ErrorReporter() {
                @Override
                public void capture(Throwable error, String correlationId) {
                    reported.add(error);
                }

                @Override
                public void flush() {
                }
            };
            var listener = new ChangeNotificationListener("jdbc:postgresql://127.0.0.1:" + relay.port() + "/"
                    + databases.names()[0], DatabaseLogin.password(),
                    new DatabaseCredentials(TestDatabases.OWNER, TestDatabases.OWNER_PASSWORD), CHANNEL,
                    payload -> events.add("notice " + payload), () -> events.add("resync"), errors, LIVENESS).start();
            Listening listening = new Listening(relay, listener, events, reported);
            try {
                await(() -> events.contains("resync"), Duration.ofSeconds(10), "first connect", events);
            } catch (AssertionError | InterruptedException e) {
                listening.close();
                throw e;
            }
            return listening;
        }

        @Override
        public void close() throws InterruptedException {
            try {
                listener.close();
            } finally {
                relay.close();
            }
        }
    }

    /** Notifies `payload` until the listener hands it over (a notice sent before it listens again is not kept). */
    static void awaitNotice(String payload, List<String> events) throws InterruptedException {
        await(() -> {
            notifyChannel(payload);
            return events.contains("notice " + payload);
        }, Duration.ofSeconds(20), "the notice " + payload, events);
    }

    static int count(List<String> events, String event) {
        return (int) events.stream().filter(event::equals).count();
    }

    static void notifyChannel(String payload) {
        try (Connection c = databases.connectAsOwner("directory")) {
            c.createStatement().execute("select pg_notify('" + CHANNEL + "', '" + payload + "')");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(BooleanSupplier condition, Duration within, String what, List<String> events)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + within + ": " + events);
            }
            Thread.sleep(50);
        }
    }
}
