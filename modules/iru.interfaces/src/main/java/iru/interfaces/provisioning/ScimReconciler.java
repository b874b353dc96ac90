package iru.interfaces.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.common.BaseScimResource;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.UserResource;
import iru.application.provisioning.ProvisioningQueue;
import iru.application.provisioning.ProvisioningState;
import iru.application.provisioning.ProvisioningState.Correction;
import iru.application.provisioning.ProvisioningSubject;
import iru.domain.provisioning.AppAccount;
import iru.domain.tenant.TenantLocation;
import iru.domain.user.User;
import iru.domain.user.UserStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Compares what should exist in an application (its effective users and assigned groups, as the directory says now)
 * with what the application reports (`GET /Users` and `GET /Groups`, paged), and enqueues a correction through the
 * outbox for every difference; the workers then deliver them like any other change.
 * <ul>
 *   <li>missing: an assigned, active user (or an assigned group) with no account there → `reconciliation.missing`;</li>
 *   <li>drifted: an account whose attributes differ from ours → `reconciliation.drifted`;</li>
 *   <li>found: an account for one of ours that we had no record of (matched by our `externalId`) → it is adopted
 *       (recorded as theirs) and replaced, `reconciliation.adopted`;</li>
 *   <li>should be gone: an account whose `externalId` names one of our users or groups that is not assigned (or our
 *       record of an account for one) → adopted and deleted, `reconciliation.unassigned`.</li>
 * </ul>
 * Accounts whose `externalId` names none of ours are reported and left alone: an application keeps accounts we never
 * made (its own administrators, service accounts, people provisioned by another directory), and deleting what we
 * cannot attribute would take down someone else's access on a guess.
 */
public final class ScimReconciler {
    private static final int MAX_PAGES = 10_000;

    private final ProvisioningState state;
    private final ScimEndpoints endpoints;
    private final ProvisioningQueue queue;
    private final int pageSize;

    ScimReconciler(ProvisioningState state, ScimEndpoints endpoints, ProvisioningQueue queue, int pageSize) {
        this.state = state;
        this.endpoints = endpoints;
        this.queue = queue;
        this.pageSize = pageSize;
    }

    /** Why an application cannot be reconciled now. `remote`: the application failed (502); else it is not set up. */
    public static final class ReconciliationException extends RuntimeException {
        private final boolean remote;

        ReconciliationException(String message, boolean remote, Throwable cause) {
            super(message, cause);
            this.remote = remote;
        }

        public boolean remote() {
            return remote;
        }
    }

    /** Reconciles one application; empty if the tenant has no such application. */
    public Optional<ReconciliationReport> reconcile(TenantLocation tenant, UUID appId) {
        Optional<ProvisioningState.AppTarget> read = state.app(tenant, appId);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        ProvisioningState.AppTarget target = read.get();
        List<UserResource> remoteUsers;
        List<GroupResource> remoteGroups;
        try {
            ScimClient scim = endpoints.client(tenant, target.app());
            remoteUsers = listAll(scim, ScimDelivery.USERS, UserResource.class);
            remoteGroups = listAll(scim, ScimDelivery.GROUPS, GroupResource.class);
        } catch (ScimEndpoints.UnavailableException e) {
            throw new ReconciliationException(e.getMessage(), e.transientFailure, e);
        } catch (ScimClient.UnreachableException | ScimClient.ScimProtocolException
                | iru.foundation.net.OutboundAddressRefusedException e) {
            throw new ReconciliationException(e.getMessage(), true, e);
        }
        Findings findings = new Findings();
        Map<UUID, String> userRemoteIds = reconcileUsers(tenant, target, remoteUsers, findings);
        reconcileGroups(tenant, target, remoteGroups, userRemoteIds, findings);
        state.enqueue(tenant, appId, findings.corrections, queue);
        return Optional.of(new ReconciliationReport(appId, remoteUsers.size(), remoteGroups.size(),
                findings.reported, findings.unattributed));
    }

    private static final class Findings {
        final List<Correction> corrections = new ArrayList<>();
        final List<ReconciliationReport.Correction> reported = new ArrayList<>();
        final List<ReconciliationReport.Unattributed> unattributed = new ArrayList<>();

        void correct(ProvisioningSubject subject, String cause, Optional<String> adopt, Optional<String> remoteId) {
            corrections.add(new Correction(subject, cause, adopt));
            reported.add(new ReconciliationReport.Correction(kind(subject), subject.id(), cause, remoteId));
        }
    }

    /** Returns our users' remote ids as the application holds them after the corrections (for group members). */
    private Map<UUID, String> reconcileUsers(TenantLocation tenant, ProvisioningState.AppTarget target,
            List<UserResource> remote, Findings findings) {
        Map<UUID, String> remoteIds = new HashMap<>();
        Set<UUID> wanted = new HashSet<>();
        Matcher<UserResource> match = new Matcher<>(remote);
        for (User user : target.users()) {
            wanted.add(user.id());
            AppAccount account = target.userAccounts().get(user.id());
            Optional<UserResource> found = match.claim(account, user.id());
            if (found.isEmpty()) {
                if (user.status() == UserStatus.active) {
                    findings.correct(new ProvisioningSubject.User(user.id()), "reconciliation.missing",
                            Optional.empty(), Optional.empty());
                }
                continue;
            }
            String remoteId = found.get().getId();
            remoteIds.put(user.id(), remoteId);
            compare(new ProvisioningSubject.User(user.id()), account, remoteId,
                    ScimMapping.drift(found.get(), ScimMapping.user(user)), findings);
        }
        removeUnwanted(tenant, AppAccount.Kind.user, target.userAccounts(), wanted, match, findings,
                ProvisioningSubject.User::new, UserResource::getUserName);
        return remoteIds;
    }

    private void reconcileGroups(TenantLocation tenant, ProvisioningState.AppTarget target,
            List<GroupResource> remote, Map<UUID, String> userRemoteIds, Findings findings) {
        Matcher<GroupResource> match = new Matcher<>(remote);
        for (var group : target.groups().values()) {
            AppAccount account = target.groupAccounts().get(group.id());
            Optional<GroupResource> found = match.claim(account, group.id());
            if (found.isEmpty()) {
                findings.correct(new ProvisioningSubject.Group(group.id()), "reconciliation.missing", Optional.empty(),
                        Optional.empty());
                continue;
            }
            List<String> members = target.groupMembers().getOrDefault(group.id(), List.of()).stream()
                    .map(userRemoteIds::get).filter(java.util.Objects::nonNull).sorted().toList();
            compare(new ProvisioningSubject.Group(group.id()), account, found.get().getId(),
                    ScimMapping.drift(found.get(), ScimMapping.group(group, members)), findings);
        }
        removeUnwanted(tenant, AppAccount.Kind.group, target.groupAccounts(), target.groups().keySet(), match,
                findings, ProvisioningSubject.Group::new, GroupResource::getDisplayName);
    }

    /** An account found for a wanted subject: adopt it if our record names another (or none), fix drift. */
    private static void compare(ProvisioningSubject subject, AppAccount account, String remoteId,
            Optional<String> drift, Findings findings) {
        boolean adopt = account == null || !account.remoteId().equals(remoteId);
        if (drift.isPresent()) {
            findings.correct(subject, "reconciliation.drifted:" + drift.get(),
                    adopt ? Optional.of(remoteId) : Optional.empty(), Optional.of(remoteId));
        } else if (adopt) {
            findings.correct(subject, "reconciliation.adopted", Optional.of(remoteId), Optional.of(remoteId));
        }
    }

    /**
     * Accounts we keep a record of for subjects no longer wanted, and remote accounts whose `externalId` names one of
     * ours that is not wanted, are to be deleted; what is left is reported.
     */
    private <R extends BaseScimResource> void removeUnwanted(TenantLocation tenant, AppAccount.Kind kind,
            Map<UUID, AppAccount> accounts, Set<UUID> wanted, Matcher<R> match, Findings findings,
            Function<UUID, ProvisioningSubject> subject, Function<R, String> name) {
        Set<UUID> handled = new HashSet<>();
        for (AppAccount account : accounts.values()) {
            if (!wanted.contains(account.subjectId())) {
                match.claim(account, account.subjectId()); // deleted by the correction, so not reported
                findings.correct(subject.apply(account.subjectId()), "reconciliation.unassigned", Optional.empty(),
                        Optional.of(account.remoteId()));
                handled.add(account.subjectId());
            }
        }
        List<R> rest = match.unclaimed();
        Set<UUID> named = new HashSet<>();
        rest.forEach(r -> ours(r).ifPresent(named::add));
        Set<UUID> existing = state.existing(tenant, kind, named);
        for (R r : rest) {
            Optional<UUID> owner = ours(r).filter(existing::contains);
            String why;
            if (owner.isEmpty()) {
                why = r.getExternalId() == null ? "no externalId" : "its externalId names none of ours";
            } else if (wanted.contains(owner.get()) || handled.contains(owner.get())) {
                why = "a second account for one of ours";
            } else {
                handled.add(owner.get());
                findings.correct(subject.apply(owner.get()), "reconciliation.unassigned", Optional.of(r.getId()),
                        Optional.of(r.getId()));
                continue;
            }
            findings.unattributed.add(new ReconciliationReport.Unattributed(kind.name(), r.getId(), name.apply(r),
                    Optional.ofNullable(r.getExternalId()), why));
        }
    }

    /** Remote accounts by their id and by our externalId; each can be claimed once. */
    private static final class Matcher<R extends BaseScimResource> {
        private final Map<String, R> byId = new LinkedHashMap<>();
        private final Map<String, R> byExternalId = new HashMap<>();

        Matcher(List<R> resources) {
            for (R r : resources) {
                // An id we could not keep cannot be adopted or addressed; such an account is not ours to touch.
                if (r.getId() != null && !r.getId().isEmpty() && r.getId().length() <= ScimClient.MAX_REMOTE_VALUE) {
                    byId.putIfAbsent(r.getId(), r);
                    if (r.getExternalId() != null) {
                        byExternalId.putIfAbsent(r.getExternalId(), r);
                    }
                }
            }
        }

        /** The account our record names if the application still has it, else one carrying our id. */
        Optional<R> claim(AppAccount account, UUID ours) {
            R found = account == null ? null : byId.get(account.remoteId());
            if (found == null) {
                found = byExternalId.get(ours.toString());
                if (found != null && !byId.containsKey(found.getId())) {
                    found = null; // already claimed
                }
            }
            if (found != null) {
                byId.remove(found.getId());
                byExternalId.remove(ours.toString(), found);
            }
            return Optional.ofNullable(found);
        }

        List<R> unclaimed() {
            return List.copyOf(byId.values());
        }
    }

    private static Optional<UUID> ours(BaseScimResource r) {
        if (r.getExternalId() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(r.getExternalId()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private <R> List<R> listAll(ScimClient scim, String endpoint, Class<R> type) {
        List<R> all = new ArrayList<>();
        int start = 1;
        for (int pages = 0; pages < MAX_PAGES; pages++) {
            ScimClient.Answer page = scim.page(endpoint, start, pageSize);
            if (!page.ok()) {
                throw new ReconciliationException("GET " + endpoint + " answered " + page.describe(), true, null);
            }
            List<R> resources = ScimClient.resources(page, type);
            all.addAll(resources);
            int total = page.body().map(b -> b.path("totalResults")).filter(JsonNode::isNumber)
                    .map(JsonNode::asInt).orElse(all.size());
            if (resources.isEmpty() || all.size() >= total) {
                return all;
            }
            start += resources.size();
        }
        throw new ReconciliationException("GET " + endpoint + " did not end after " + MAX_PAGES + " pages", true, null);
    }

    private static String kind(ProvisioningSubject subject) {
        return switch (subject) {
            case ProvisioningSubject.User u -> "user";
            case ProvisioningSubject.Group g -> "group";
        };
    }
}
