package iru.foundation.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Lines handed off by virtual threads are all written, whole and in each thread's order, even when more arrive than
 * the queue holds; a line a platform thread writes comes after everything queued before it and is on the stream when
 * its write returns.
 */
class LineOutputTest {
    static final int THREADS = 8;
    static final int LINES = LineOutput.CAPACITY / 2; // together 4x what the queue holds

    @Test
    void everyLineIsWrittenWholeAndInOrderThenAPlatformLineLast() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LineOutput output = LineOutput.handedOff(new PrintStream(captured, false, StandardCharsets.UTF_8),
                "line-output-test");
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.submit(() -> {
                    for (int i = 0; i < LINES; i++) {
                        output.write("{\"thread\":" + thread + ",\"line\":" + i + ",\"pad\":\"" + "x".repeat(40) + "\"}");
                    }
                });
            }
        }
        output.write("last"); // this test's thread is a platform thread: it writes itself, after the queue

        String[] written = captured.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(THREADS * LINES + 1, written.length);
        assertEquals("last", written[written.length - 1]);
        List<Integer> next = new ArrayList<>(java.util.Collections.nCopies(THREADS, 0));
        for (int i = 0; i < written.length - 1; i++) {
            String line = written[i];
            assertTrue(line.startsWith("{\"thread\":") && line.endsWith("\"}"), "a whole line: " + line);
            int thread = Integer.parseInt(line.substring(10, line.indexOf(',')));
            int number = Integer.parseInt(line.substring(line.indexOf("\"line\":") + 7, line.indexOf(",\"pad\"")));
            assertEquals(next.get(thread), number, "thread " + thread + " in order");
            next.set(thread, number + 1);
        }
    }
}
