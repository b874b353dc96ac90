package iru.interfaces.provisioning;

import com.unboundid.scim2.common.BaseScimResource;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.UserResource;
import iru.application.provisioning.DeliveryOutcome;
import iru.application.provisioning.ProvisioningDelivery;
import iru.application.provisioning.ProvisioningState;
import iru.application.provisioning.ProvisioningSubject;
import iru.application.provisioning.ProvisioningTask;
import iru.domain.application.Application;
import iru.domain.provisioning.AppAccount;
import iru.domain.tenant.TenantLocation;
import iru.domain.user.UserStatus;
import iru.foundation.net.OutboundAddressRefusedException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Brings one subject's account in one application in line with the directory over SCIM 2.0. A claimed batch's users
 * are read from the directory at once, in one short transaction ({@link #prepare}); each delivery then calls the
 * application with no transaction open and records the account's remote id and ETag in a short one of its own. The
 * credential is fetched from the secret store once per batch and application (the "per delivery batch"), so
 * a rotation takes effect with the next batch.
 * <p>
 * Users: assigned and active → create (`POST /Users`; on 409 adopt the account found by `externalId`, else by
 * `userName`, and replace it) or replace (`PUT` with `If-Match`; 404 → create again; 412 → re-read and replace once);
 * assigned but inactive → replace with `active: false` (no account → nothing); not assigned or deleted → `DELETE`
 * (404 counts as done) and forget the account. Groups likewise, with members = the group's members that have an
 * account in the application.
 */
final class ScimDelivery implements ProvisioningDelivery {
    static final String USERS = "Users";
    static final String GROUPS = "Groups";
    /**
     * A `PUT` of a group replaces its members with those read before it; an account created meanwhile joins with its
     * own `PATCH` after it is recorded, and that `PATCH` may land before the `PUT` and be overwritten. So after each
     * `PUT` the members are read again and, if an account was recorded meanwhile, sent again: every account recorded
     * before the last `PUT` is in it, every one recorded after joins by `PATCH`. At most this many rounds.
     */
    private static final int GROUP_ROUNDS = 5;

    private final ProvisioningState state;
    private final ScimEndpoints endpoints;

    ScimDelivery(ProvisioningState state, ScimEndpoints endpoints) {
        this.state = state;
        this.endpoints = endpoints;
    }

    /** A delivery outcome decided deep in a call, carried out to {@link #deliver}. */
    private static final class Outcome extends RuntimeException {
        final transient DeliveryOutcome outcome;

        Outcome(DeliveryOutcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }

    @Override
    public DeliveryOutcome deliver(TenantLocation tenant, ProvisioningTask task) {
        return prepare(tenant, List.of(task)).deliver(task);
    }

    /**
     * Reads the directory's view of every user task of the batch in one transaction; each application's client
     * (its credential read from the secret store) is made once for the batch, by the first task that calls it.
     */
    @Override
    public Batch prepare(TenantLocation tenant, List<ProvisioningTask> tasks) {
        Map<UUID, Set<UUID>> users = new HashMap<>();
        for (ProvisioningTask task : tasks) {
            if (task.subject() instanceof ProvisioningSubject.User user) {
                users.computeIfAbsent(task.appId(), a -> new HashSet<>()).add(user.id());
            }
        }
        return new PreparedBatch(tenant, users.isEmpty() ? Map.of() : state.users(tenant, users), tasks);
    }

    /**
     * One tenant's tasks of one batch: the users' targets read ahead, one client per application, and the users'
     * accounts recorded together ({@link AccountWrites}).
     */
    private final class PreparedBatch implements Batch {
        private final TenantLocation tenant;
        private final Map<UUID, Map<UUID, ProvisioningState.UserTarget>> users;
        private final Map<UUID, ScimClient> clients = new ConcurrentHashMap<>();
        private final AccountWrites writes;
        private final Map<Long, AccountWrites.Slot> slots = new HashMap<>();

        PreparedBatch(TenantLocation tenant, Map<UUID, Map<UUID, ProvisioningState.UserTarget>> users,
                List<ProvisioningTask> tasks) {
            this.tenant = tenant;
            this.users = users;
            this.writes = new AccountWrites(state, tenant);
            for (ProvisioningTask task : tasks) {
                if (task.subject() instanceof ProvisioningSubject.User) {
                    slots.put(task.sequence(), writes.slot());
                }
            }
        }

        @Override
        public DeliveryOutcome deliver(ProvisioningTask task) {
            AccountWrites.Slot slot = slots.get(task.sequence());
            try {
                return switch (task.subject()) {
                    case ProvisioningSubject.User user -> outcome(() -> user(slot, task.appId(), user,
                            task.attempt()));
                    case ProvisioningSubject.Group group -> outcome(() -> group(this, task.appId(), group));
                };
            } finally {
                if (slot != null) {
                    writes.settle(slot);
                }
            }
        }

        private DeliveryOutcome user(AccountWrites.Slot slot, UUID appId, ProvisioningSubject.User subject,
                int attempt) {
            ProvisioningState.UserTarget target = users.get(appId).get(subject.id());
            if (target.app().isEmpty()) {
                return delivered("the application no longer exists");
            }
            boolean wanted = target.user().isPresent() && target.assigned();
            if (!wanted) {
                return remove(this, target.app().get(), subject, target.account(), USERS);
            }
            boolean active = target.user().get().status() == UserStatus.active;
            if (!active && target.account().isEmpty()) {
                return delivered("the user is inactive and has no account");
            }
            ScimClient scim = client(target.app().get());
            UserResource resource = ScimMapping.user(target.user().get());
            Sent sent = target.account().isPresent()
                    ? replace(scim, USERS, target.account().get(), resource, active,
                            () -> adoptOrCreateUser(scim, resource))
                    : adoptOrCreateUser(scim, resource);
            String what = active ? "user" : "user (deactivated)";
            if (sent.answer().isEmpty()) {
                return record(tenant, appId, subject, sent, what);
            }
            ScimClient.Answer answer = sent.answer().get();
            // A retry joins again: the attempt before may have failed between recording the account and joining.
            // The groups are read AFTER the account is recorded: a group pushed meanwhile read its members
            // before this account existed, and the groups read before the POST do not include it yet.
            boolean join = sent.isNew() || attempt > 1;
            List<String> groups = writes.record(slot, appId, subject, answer.id(), answer.version(), join);
            if (join) {
                joinGroups(scim, answer.id(), groups);
            }
            return delivered(sent.how() + " " + what + " " + answer.id());
        }

        /**
         * The application's client for this batch: its credential is read once per batch (a rotation takes effect
         * with the next batch); a failure to make one is not kept, so each task that needs it reports it.
         */
        ScimClient client(Application app) {
            return clients.computeIfAbsent(app.id(), id -> ScimDelivery.this.client(tenant, app));
        }
    }

    /** The outcome `delivery` decides, or the one its failure means. */
    private static DeliveryOutcome outcome(java.util.function.Supplier<DeliveryOutcome> delivery) {
        try {
            return delivery.get();
        } catch (Outcome o) {
            return o.outcome;
        } catch (ScimClient.UnreachableException e) {
            return new DeliveryOutcome.RetryLater(e.getMessage(), Optional.empty());
        } catch (OutboundAddressRefusedException e) {
            return new DeliveryOutcome.Rejected("the application's SCIM base URL is refused: " + e.getMessage());
        } catch (ScimClient.ScimProtocolException e) {
            return new DeliveryOutcome.Rejected(e.getMessage());
        }
    }

    private DeliveryOutcome group(PreparedBatch batch, UUID appId, ProvisioningSubject.Group subject) {
        TenantLocation tenant = batch.tenant;
        ProvisioningState.GroupTarget target = state.group(tenant, appId, subject.id());
        if (target.app().isEmpty()) {
            return delivered("the application no longer exists");
        }
        if (target.group().isEmpty() || !target.assigned()) {
            return remove(batch, target.app().get(), subject, target.account(), GROUPS);
        }
        ScimClient scim = batch.client(target.app().get());
        for (int round = 0; round < GROUP_ROUNDS; round++) {
            GroupResource resource = ScimMapping.group(target.group().get(), target.memberRemoteIds());
            ProvisioningState.GroupTarget sentFor = target;
            Sent sent = target.account().isPresent()
                    ? replace(scim, GROUPS, target.account().get(), resource, true,
                            () -> adoptOrCreateGroup(scim, resource))
                    : adoptOrCreateGroup(scim, resource);
            DeliveryOutcome recorded = record(tenant, appId, subject, sent, "group with "
                    + target.memberRemoteIds().size() + " members");
            target = state.group(tenant, appId, subject.id());
            if (target.app().isEmpty() || target.group().isEmpty() || !target.assigned()
                    || target.memberRemoteIds().equals(sentFor.memberRemoteIds())) {
                return recorded; // anything else changed meanwhile has a task of its own
            }
        }
        return new DeliveryOutcome.RetryLater("the group's members kept changing while it was sent", Optional.empty());
    }

    /** What the application now holds, and how it got there. */
    private record Sent(String how, Optional<ScimClient.Answer> answer) {
        /** A new account in the application (or one new to us): it is in none of our groups there yet. */
        boolean isNew() {
            return answer.isPresent() && !how.equals("replaced");
        }
    }

    /**
     * Adds a new account to the application's copies of the user's groups (`PATCH` add `members`), so a group pushed
     * before its members had accounts gains them as they are created. Done after the account is recorded (see
     * {@link #GROUP_ROUNDS} for why); a failed `PATCH` makes the task retry, and a retry joins again.
     */
    private static void joinGroups(ScimClient scim, String userRemoteId, List<String> groupRemoteIds) {
        for (String group : groupRemoteIds) {
            ScimClient.Answer joined = scim.patch(GROUPS, group, ScimMapping.addMember(userRemoteId));
            if (!joined.ok() && joined.status() != 404) { // 404: the group is gone; the group's task recreates it
                throw failure(joined, "PATCH " + GROUPS);
            }
        }
    }

    private DeliveryOutcome record(TenantLocation tenant, UUID appId, ProvisioningSubject subject, Sent sent,
            String what) {
        if (sent.answer().isEmpty()) {
            state.forget(tenant, appId, subject);
            return delivered(what + ": the account was gone and is not recreated while inactive");
        }
        ScimClient.Answer answer = sent.answer().get();
        String remoteId = answer.id();
        state.remember(tenant, appId, subject, remoteId, answer.version());
        return delivered(sent.how() + " " + what + " " + remoteId);
    }

    private DeliveryOutcome remove(PreparedBatch batch, Application app, ProvisioningSubject subject,
            Optional<AppAccount> account, String endpoint) {
        if (account.isEmpty()) {
            return delivered("not assigned and no account");
        }
        TenantLocation tenant = batch.tenant;
        UUID appId = app.id();
        ScimClient scim = batch.client(app);
        ScimClient.Answer answer = scim.delete(endpoint, account.get().remoteId());
        if (!answer.ok() && answer.status() != 404) {
            throw failure(answer, "DELETE " + endpoint);
        }
        state.forget(tenant, appId, subject);
        return delivered((answer.ok() ? "deleted " : "already gone: ") + endpoint + " " + account.get().remoteId());
    }

    /**
     * `PUT` over the known account with its ETag. 404: it was deleted behind our back, so create it again (unless
     * it was only to be deactivated); 412: it changed there, so read its current version and replace once more.
     */
    private Sent replace(ScimClient scim, String endpoint, AppAccount account, BaseScimResource resource,
            boolean recreate, java.util.function.Supplier<Sent> create) {
        ScimClient.Answer answer = scim.replace(endpoint, account.remoteId(), resource, account.etag());
        if (answer.status() == 412) {
            ScimClient.Answer current = scim.get(endpoint, account.remoteId());
            if (!current.ok() && current.status() != 404) {
                throw failure(current, "GET " + endpoint);
            }
            answer = current.ok() ? scim.replace(endpoint, account.remoteId(), resource, current.version()) : current;
        }
        if (answer.status() == 404) {
            return recreate ? create.get() : new Sent("gone", Optional.empty());
        }
        if (!answer.ok()) {
            throw failure(answer, "PUT " + endpoint);
        }
        return new Sent("replaced", Optional.of(answer));
    }

    private Sent adoptOrCreateUser(ScimClient scim, UserResource resource) {
        return adoptOrCreate(scim, USERS, resource, List.of("userName", resource.getUserName()));
    }

    private Sent adoptOrCreateGroup(ScimClient scim, GroupResource resource) {
        return adoptOrCreate(scim, GROUPS, resource, List.of("displayName", resource.getDisplayName()));
    }

    /**
     * `POST`; on 409 the application already has the account (we created it and lost the answer, or someone made it
     * by hand): find it by our `externalId`, else by the unique attribute, and replace it with ours.
     */
    private Sent adoptOrCreate(ScimClient scim, String endpoint, BaseScimResource resource, List<String> unique) {
        ScimClient.Answer created = scim.create(endpoint, resource);
        if (created.ok()) {
            return new Sent("created", Optional.of(created));
        }
        if (created.status() != 409) {
            throw failure(created, "POST " + endpoint);
        }
        Optional<String> existing = findOne(scim, endpoint, "externalId", resource.getExternalId())
                .or(() -> findOne(scim, endpoint, unique.get(0), unique.get(1)));
        if (existing.isEmpty()) {
            throw new Outcome(new DeliveryOutcome.Rejected("the application refused " + endpoint + " creation as a"
                    + " conflict (" + created.describe() + ") but has no account with our externalId or "
                    + unique.get(0)));
        }
        ScimClient.Answer adopted = scim.replace(endpoint, existing.get(), resource, Optional.empty());
        if (!adopted.ok()) {
            throw failure(adopted, "PUT " + endpoint);
        }
        return new Sent("adopted", Optional.of(adopted));
    }

    private static Optional<String> findOne(ScimClient scim, String endpoint, String attribute, String value) {
        ScimClient.Answer found = scim.search(endpoint, attribute, value);
        if (!found.ok()) {
            throw failure(found, "GET " + endpoint + "?filter");
        }
        return found.body().map(b -> b.path("Resources")).filter(r -> r.isArray() && !r.isEmpty())
                .map(r -> r.get(0).path("id").asText(null));
    }

    private ScimClient client(TenantLocation tenant, Application app) {
        try {
            return endpoints.client(tenant, app);
        } catch (ScimEndpoints.UnavailableException e) {
            throw new Outcome(e.transientFailure ? new DeliveryOutcome.RetryLater(e.getMessage(), Optional.empty())
                    : new DeliveryOutcome.Rejected(e.getMessage()));
        }
    }

    /**
     * 429 and 5xx are worth retrying (after `Retry-After` if given), and so is 412: the resource changed again while
     * we replaced it (a concurrent `PATCH`), which the next attempt reads afresh. Any other answer will not change by
     * itself.
     */
    static Outcome failure(ScimClient.Answer answer, String call) {
        String reason = call + " answered " + answer.describe();
        if (answer.status() == 429 || answer.status() == 412 || answer.status() >= 500) {
            return new Outcome(new DeliveryOutcome.RetryLater(reason, answer.retryAfter()));
        }
        return new Outcome(new DeliveryOutcome.Rejected(reason));
    }

    private static DeliveryOutcome.Delivered delivered(String summary) {
        return new DeliveryOutcome.Delivered(summary);
    }
}
