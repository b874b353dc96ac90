package iru.foundation.workers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Independent steps that mostly wait (on a database, a connection's first login) run at once, each on a virtual
 * thread, yet fail as if they had run one after another: the first failure in the given order is thrown, after every
 * step has finished and what the others built has been discarded.
 */
public final class AtOnce {
    private AtOnce() {
    }

    /**
     * The results in the order of `steps`; or, once all have finished, the first step's failure in that order (the
     * later failures suppressed on it), after handing each result that was built to `discard`.
     */
    public static <T> List<T> all(List<Callable<T>> steps, Consumer<? super T> discard) {
        List<Future<T>> running = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            steps.forEach(step -> running.add(executor.submit(step)));
        }
        List<T> results = new ArrayList<>();
        Throwable first = null;
        for (Future<T> step : running) {
            if (step.state() == Future.State.SUCCESS) {
                results.add(step.resultNow());
            } else if (first == null) {
                first = step.exceptionNow();
            } else {
                first.addSuppressed(step.exceptionNow());
            }
        }
        if (first == null) {
            return results;
        }
        results.forEach(discard);
        throw rethrown(first);
    }

    /**
     * Waits for one step that runs on another thread: its result, or what it threw, rethrown on the caller's thread
     * as if the caller had run it.
     */
    public static <T> T await(Future<T> step) {
        try {
            return step.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a step of the start", e);
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    private static RuntimeException rethrown(Throwable failure) {
        switch (failure) {
            case RuntimeException unchecked -> throw unchecked;
            case Error error -> throw error;
            default -> throw new IllegalStateException(failure);
        }
    }
}
