package iru.launcher;

import iru.application.provisioning.DeliveryOutcome;
import iru.application.provisioning.ProvisioningDelivery;
import iru.application.provisioning.ProvisioningTask;
import iru.domain.tenant.TenantLocation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A downstream for the provisioning workers that records every call and what became of it, and fails, hangs or
 * succeeds as the test says. It also notices two deliveries of one subject overlapping in time (which the claim must
 * prevent), across every worker that shares it.
 */
final class RecordingDelivery implements ProvisioningDelivery {
    /** One call: the task, who made it, and whether it completed, failed or was abandoned (interrupted). */
    record Call(ProvisioningTask task, String thread, String result) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> inFlight;
    final List<String> overlaps;
    volatile Function<ProvisioningTask, DeliveryOutcome> behaviour;

    RecordingDelivery(Function<ProvisioningTask, DeliveryOutcome> behaviour) {
        this(behaviour, new ConcurrentHashMap<>(), new CopyOnWriteArrayList<>());
    }

    private RecordingDelivery(Function<ProvisioningTask, DeliveryOutcome> behaviour,
            Map<String, AtomicInteger> inFlight, List<String> overlaps) {
        this.behaviour = behaviour;
        this.inFlight = inFlight;
        this.overlaps = overlaps;
    }

    /** Another downstream client that sees the same in-flight deliveries (two worker processes, one application). */
    RecordingDelivery sibling(Function<ProvisioningTask, DeliveryOutcome> behaviour) {
        return new RecordingDelivery(behaviour, inFlight, overlaps);
    }

    static RecordingDelivery succeeding() {
        return new RecordingDelivery(task -> new DeliveryOutcome.Delivered("ok"));
    }

    static String subject(ProvisioningTask task) {
        return task.tenant() + "/" + task.appId() + "/" + task.subject();
    }

    @Override
    public DeliveryOutcome deliver(TenantLocation tenant, ProvisioningTask task) {
        String subject = subject(task);
        if (inFlight.computeIfAbsent(subject, k -> new AtomicInteger()).incrementAndGet() > 1) {
            overlaps.add(subject);
        }
        try {
            DeliveryOutcome outcome = behaviour.apply(task);
            calls.add(new Call(task, Thread.currentThread().getName(), outcome.getClass().getSimpleName()));
            return outcome;
        } catch (RuntimeException e) {
            calls.add(new Call(task, Thread.currentThread().getName(), "abandoned"));
            throw e;
        } finally {
            inFlight.get(subject).decrementAndGet();
        }
    }

    List<Call> delivered() {
        return calls.stream().filter(c -> c.result().equals("Delivered")).toList();
    }

    /** Sleeps `millis`, or until interrupted (then the delivery is abandoned, as a real HTTP call would be). */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
