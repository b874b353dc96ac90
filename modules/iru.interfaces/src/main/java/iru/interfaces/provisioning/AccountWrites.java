package iru.interfaces.provisioning;

import iru.application.provisioning.ProvisioningState;
import iru.application.provisioning.ProvisioningSubject;
import iru.domain.tenant.TenantLocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The user accounts one tenant's batch of deliveries made, recorded together (group commit): a delivery hands its
 * account over and waits until it is committed, and the one that completes the batch (or the first to have waited
 * {@link #LINGER}) writes every account handed over so far in one transaction, then reads the groups the new ones
 * must join in a second one. Two transactions per batch instead of two per delivery; the order each delivery relies
 * on holds, as its account commits before its groups are read (see {@link ScimDelivery}'s `GROUP_ROUNDS`).
 * A slow sibling delays the others' records by {@link #LINGER} at most, so a downstream with slow calls still
 * records the fast ones.
 */
final class AccountWrites {
    /**
     * How long a recorded account waits for its siblings before it is written with those that arrived meanwhile. The
     * batch's outcomes are recorded only once its slowest delivery ends, so waiting costs the batch nothing; this
     * only bounds how long an account stays unrecorded behind a slow sibling.
     */
    static final Duration LINGER = Duration.ofMillis(100);

    /** One delivery's place in the batch: it writes at most one account. */
    static final class Slot {
        private boolean settled; // guarded by the AccountWrites
    }

    private record Pending(ProvisioningState.Account account, boolean readGroups,
            CompletableFuture<List<String>> done) {
    }

    private final ProvisioningState state;
    private final TenantLocation tenant;
    private int unsettled; // slots that may still hand over an account
    private List<Pending> pending = new ArrayList<>();

    AccountWrites(ProvisioningState state, TenantLocation tenant) {
        this.state = state;
        this.tenant = tenant;
    }

    /** A slot for one more delivery of the batch; {@link #settle} it when the delivery ends. */
    synchronized Slot slot() {
        unsettled++;
        return new Slot();
    }

    /**
     * Records the user's account and returns, if `readGroups`, the remote ids of the application's groups the user
     * is in, read after the account committed.
     */
    List<String> record(Slot slot, UUID appId, ProvisioningSubject.User user, String remoteId, Optional<String> etag,
            boolean readGroups) {
        Pending mine = new Pending(new ProvisioningState.Account(appId, user, remoteId, etag), readGroups,
                new CompletableFuture<>());
        boolean last;
        synchronized (this) {
            if (slot.settled) {
                throw new IllegalStateException("a delivery records at most one account");
            }
            slot.settled = true;
            unsettled--;
            pending.add(mine);
            last = unsettled == 0;
        }
        try {
            if (last) {
                flush();
            } else {
                try {
                    return mine.done().get(LINGER.toNanos(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    flush(); // writes this one, unless a sibling's flush took it already (then it completes it)
                }
            }
            return mine.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the account was being recorded", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** The delivery ended; if it recorded nothing, its siblings no longer wait for it. */
    void settle(Slot slot) {
        boolean flush;
        synchronized (this) {
            if (slot.settled) {
                return;
            }
            slot.settled = true;
            unsettled--;
            flush = unsettled == 0 && !pending.isEmpty();
        }
        if (flush) {
            flush();
        }
    }

    /** Writes every account handed over so far, then reads the groups of those that asked; completes them all. */
    private void flush() {
        List<Pending> taken;
        synchronized (this) {
            taken = pending;
            pending = new ArrayList<>();
        }
        if (taken.isEmpty()) {
            return;
        }
        try {
            state.rememberAll(tenant, taken.stream().map(Pending::account).toList());
            Map<UUID, Set<UUID>> asking = new HashMap<>();
            taken.stream().filter(Pending::readGroups).forEach(p -> asking.computeIfAbsent(p.account().appId(),
                    a -> new HashSet<>()).add(p.account().subject().id()));
            Map<UUID, Map<UUID, List<String>>> groups = asking.isEmpty() ? Map.of() : state.groupsOf(tenant, asking);
            for (Pending p : taken) {
                p.done().complete(groups.getOrDefault(p.account().appId(), Map.of())
                        .getOrDefault(p.account().subject().id(), List.of()));
            }
        } catch (RuntimeException | Error e) {
            taken.forEach(p -> p.done().completeExceptionally(e));
            if (e instanceof Error fatal) {
                throw fatal;
            }
        }
    }
}
