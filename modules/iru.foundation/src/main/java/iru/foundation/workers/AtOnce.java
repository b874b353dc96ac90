package iru.foundation.workers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
        switch (first) {
            case RuntimeException failure -> throw failure;
            case Error failure -> throw failure;
            default -> throw new IllegalStateException(first);
        }
    }
}
