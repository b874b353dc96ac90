package iru.foundation.logging;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;

/**
 * Where finished log lines are written, each flushed as it is written (a pipe is block-buffered, and a line waiting
 * in a buffer is lost if the process dies).
 *
 * <p>Standard output is {@linkplain #handedOff handed off}: a virtual thread (every request runs on one) only queues
 * its line, and one platform thread writes and flushes whatever has queued. Written by the caller, every request
 * took a global lock and a blocking write to a file or pipe, which on a virtual thread also makes the scheduler
 * compensate with another carrier; the profile showed both. A virtual thread that finds the queue full waits for
 * room (nothing is dropped, and one thread's lines keep their order). A platform thread (startup, shutdown steps)
 * queues its line too and waits until it is written, so it follows whatever was queued before it and the last lines
 * before an exit are on the stream when the write returns.
 */
final class LineOutput {
    /** Lines that may wait at most; beyond it, virtual threads wait for room (back pressure, never loss). */
    static final int CAPACITY = 16_384;

    /** A queued line and, for a platform thread's line, the latch its writer waits on until it is written. */
    private record Queued(String line, CountDownLatch written) {
    }

    private final PrintStream out;
    private final BlockingQueue<Queued> queued;

    private LineOutput(PrintStream out, BlockingQueue<Queued> queued) {
        this.out = out;
        this.queued = queued;
    }

    /** Every line written by its caller. */
    static LineOutput direct(PrintStream out) {
        return new LineOutput(out, null);
    }

    /** Lines of virtual threads written by a daemon platform thread named `writerName`. */
    static LineOutput handedOff(PrintStream out, String writerName) {
        LineOutput output = new LineOutput(out, new ArrayBlockingQueue<>(CAPACITY));
        Thread.ofPlatform().daemon().name(writerName).start(output::writeQueued);
        return output;
    }

    void write(String line) {
        if (queued == null) {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
            return;
        }
        // A platform thread's line goes through the same queue, so it follows every line queued before it (also one
        // the writer has taken but not yet written), and the caller waits until it is on the stream: the last lines
        // before an exit are not left in a daemon thread's hands.
        CountDownLatch written = Thread.currentThread().isVirtual() ? null : new CountDownLatch(1);
        try {
            queued.put(new Queued(line, written)); // waits while the queue is full: nothing is lost
            if (written != null) {
                written.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the line is queued (or, interrupted before, dropped by nobody else)
        }
    }

    private void writeQueued() {
        List<Queued> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queued.take());
            } catch (InterruptedException e) {
                return;
            }
            queued.drainTo(batch);
            for (Queued next : batch) {
                out.println(next.line());
            }
            out.flush();
            for (Queued next : batch) {
                if (next.written() != null) {
                    next.written().countDown();
                }
            }
            batch.clear();
        }
    }
}
