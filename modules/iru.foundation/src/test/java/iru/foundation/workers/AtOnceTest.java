package iru.foundation.workers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AtOnceTest {

    @Test
    void stepsRunAtOnceAndTheirResultsKeepTheGivenOrder() {
        // Each step waits until all three have started: run one after another, they could never finish.
        CountDownLatch allStarted = new CountDownLatch(3);
        Callable<String> step1 = () -> awaitOthers(allStarted, "directory");
        Callable<String> step2 = () -> awaitOthers(allStarted, "us");
        Callable<String> step3 = () -> awaitOthers(allStarted, "eu");
        assertEquals(List.of("directory", "us", "eu"), AtOnce.all(List.of(step1, step2, step3), built -> { }));
    }

    @Test
    void theFirstFailureInOrderIsThrownEvenWhenALaterStepFailsSoonerAndWhatWasBuiltIsDiscarded() {
        IllegalStateException directoryDown = new IllegalStateException("directory down");
        IllegalArgumentException euDown = new IllegalArgumentException("eu down");
        CountDownLatch euFailed = new CountDownLatch(1);
        List<String> discarded = new CopyOnWriteArrayList<>();
        var thrown = assertThrows(IllegalStateException.class, () -> AtOnce.<String>all(List.of(
                () -> {
                    euFailed.await(5, TimeUnit.SECONDS);
                    throw directoryDown;
                },
                () -> "us pool",
                () -> {
                    euFailed.countDown();
                    throw euDown;
                }), discarded::add));
        assertSame(directoryDown, thrown);
        assertArrayEquals(new Throwable[] {euDown}, thrown.getSuppressed());
        assertEquals(List.of("us pool"), discarded);
    }

    private static String awaitOthers(CountDownLatch allStarted, String result) throws InterruptedException {
        allStarted.countDown();
        if (!allStarted.await(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the steps did not run at once");
        }
        return result;
    }
}
