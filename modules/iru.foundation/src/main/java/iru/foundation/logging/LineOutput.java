package iru.foundation.logging;

import java.io.PrintStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Where finished log lines are written, each flushed as it is written (a pipe is block-buffered, and a line waiting
 * in a buffer is lost if the process dies).
 *
 * <p>Standard output is {@linkplain #handedOff handed off}: a virtual thread (every request runs on one) only queues
 * its line, and one platform thread writes and flushes whatever has queued. Written by the caller, every request
 * took a global lock and a blocking write to a file or pipe, which on a virtual thread also makes the scheduler
 * compensate with another carrier; the profile showed both. A virtual thread that finds the queue full waits for
 * room (nothing is dropped, and one thread's lines keep their order). A platform thread (startup, shutdown steps)
 * writes itself, after whatever is queued, so the last lines before an exit are on the stream when the write returns.
 */
final class LineOutput {
    /** Lines that may wait at most; beyond it, virtual threads wait for room (back pressure, never loss). */
    static final int CAPACITY = 16_384;

    private final PrintStream out;
    private final BlockingQueue<String> queued;
    private final Object writing = new Object();

    private LineOutput(PrintStream out, BlockingQueue<String> queued) {
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
        if (queued != null && Thread.currentThread().isVirtual()) {
            try {
                queued.put(line); // waits while the queue is full: a virtual thread unmounts, nothing is lost
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // write it here instead, and keep the interrupt for the caller
            }
        }
        synchronized (writing) {
            writeWaiting();
            out.println(line);
            out.flush();
        }
    }

    private void writeQueued() {
        while (true) {
            String first;
            try {
                first = queued.take();
            } catch (InterruptedException e) {
                return;
            }
            synchronized (writing) {
                out.println(first);
                writeWaiting();
                out.flush();
            }
        }
    }

    private void writeWaiting() {
        if (queued != null) {
            for (String next = queued.poll(); next != null; next = queued.poll()) {
                out.println(next);
            }
        }
    }
}
