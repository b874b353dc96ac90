package iru.launcher;

import iru.foundation.workers.AtOnce;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One step of a plane's start that needs nothing the others build (the migration check, the provisioning workers),
 * run on a platform thread of its own so it overlaps the steps that wait on the databases. It is joined where its
 * result is needed; a failed start discards it without waiting, and what it builds is closed as soon as it is built.
 */
final class StartupStep<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final AtomicBoolean discarded = new AtomicBoolean();

    private StartupStep() {
    }

    static <T> StartupStep<T> start(String name, Callable<T> work) {
        StartupStep<T> step = new StartupStep<>();
        Thread.ofPlatform().name("iru-start-" + name).daemon().start(() -> {
            try {
                step.result.complete(work.call());
            } catch (Throwable failure) { // handed to whoever joins the step, or kept on the start's own failure
                step.result.completeExceptionally(failure);
            }
        });
        return step;
    }

    static StartupStep<Void> run(String name, Runnable work) {
        return start(name, Executors.callable(work, null));
    }

    /** Its result, or what it threw, rethrown on the caller's thread as if the caller had run it. */
    T join() {
        return AtOnce.await(result);
    }

    /**
     * After `failure` stopped the start: what the step built is closed once it is built (a step still waiting on a
     * database is not waited for: a failed start exits within the connect timeout), and what the step itself threw
     * by now is kept on `failure` as suppressed. Only the first discard counts.
     */
    void discard(Throwable failure, Consumer<T> close) {
        if (!discarded.compareAndSet(false, true)) {
            return;
        }
        result.thenAccept(close);
        if (result.isCompletedExceptionally()) {
            Throwable own = result.exceptionNow();
            if (own != failure) {
                failure.addSuppressed(own);
            }
        }
    }
}
