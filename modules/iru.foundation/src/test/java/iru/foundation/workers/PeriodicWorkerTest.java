package iru.foundation.workers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import iru.foundation.errors.LogErrorReporter;
import iru.foundation.logging.StructuredLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicWorkerTest {

    private static void failingRound(int round) {
        throw new IllegalStateException("deliberate failure in round " + round);
    }

    @Test
    void aFailingRoundIsReportedWithItsStackAndTheLoopKeepsRunning() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LogErrorReporter reporter = new LogErrorReporter(
                StructuredLog.of(PeriodicWorkerTest.class, new PrintStream(captured, true, StandardCharsets.UTF_8)));
        AtomicInteger rounds = new AtomicInteger();
        try (PeriodicWorker worker = new PeriodicWorker("test-failing", Duration.ofMillis(5), () -> {
            int round = rounds.incrementAndGet();
            if (round == 1) {
                failingRound(round);
            }
        }, reporter).start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (rounds.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        assertTrue(rounds.get() >= 3, "the loop kept running after the failure: " + rounds.get() + " round(s)");
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("\"event\":\"error.captured\""), log);
        assertTrue(log.contains("deliberate failure in round 1"), log);
        // The stack, not just the message: the frame that threw is there.
        assertTrue(log.contains("PeriodicWorkerTest.failingRound"), log);
    }
}
