package iru.application.provisioning;

import iru.application.identity.TenantTransactions;
import iru.domain.application.Application;
import iru.domain.application.ApplicationRepository;
import iru.domain.common.Page;
import iru.domain.group.Group;
import iru.domain.group.GroupRepository;
import iru.domain.provisioning.AppAccount;
import iru.domain.provisioning.AppAccountRepository;
import iru.domain.tenant.TenantLocation;
import iru.domain.user.User;
import iru.domain.user.UserRepository;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What provisioning reads from the directory and writes about the accounts it keeps, each in one short routed
 * transaction on the {@link TenantTransactions} it is given (the workers' own pool in production). Nothing here
 * talks to an application: the caller does that between transactions, never inside one.
 */
public final class ProvisioningState {
    private static final int PAGE = 500;

    private final TenantTransactions tx;
    private final UserRepository users;
    private final GroupRepository groups;
    private final ApplicationRepository apps;
    private final AppAccountRepository accounts;

    public ProvisioningState(TenantTransactions tx, UserRepository users, GroupRepository groups,
            ApplicationRepository apps, AppAccountRepository accounts) {
        this.tx = tx;
        this.users = users;
        this.groups = groups;
        this.apps = apps;
        this.accounts = accounts;
    }

    /**
     * One user as the application should see them, read at once.
     *
     * @param app      empty when the application no longer exists
     * @param user     empty when the user no longer exists
     * @param assigned directly or through a group
     * @param account  what we provisioned so far, if anything
     * @param groups   remote ids of the provisioned groups of the application the user is a member of
     */
    public record UserTarget(Optional<Application> app, Optional<User> user, boolean assigned,
            Optional<AppAccount> account, List<String> groups) {
        public UserTarget {
            groups = List.copyOf(groups);
        }
    }

    /** One group as the application should see it; `memberRemoteIds` are its members that have accounts there. */
    public record GroupTarget(Optional<Application> app, Optional<Group> group, boolean assigned,
            Optional<AppAccount> account, List<String> memberRemoteIds) {
        public GroupTarget {
            memberRemoteIds = List.copyOf(memberRemoteIds);
        }
    }

    /**
     * Everything that should exist in an application, for reconciliation: its effective users (active or not), its
     * assigned groups with their members' user ids, and the accounts we keep there.
     */
    public record AppTarget(Application app, List<User> users, Map<UUID, Group> groups,
            Map<UUID, List<UUID>> groupMembers, Map<UUID, AppAccount> userAccounts,
            Map<UUID, AppAccount> groupAccounts) {
        public AppTarget {
            users = List.copyOf(users);
            groups = Map.copyOf(groups);
            groupMembers = Map.copyOf(groupMembers);
            userAccounts = Map.copyOf(userAccounts);
            groupAccounts = Map.copyOf(groupAccounts);
        }
    }

    public UserTarget user(TenantLocation tenant, UUID appId, UUID userId) {
        return tx.run("provisioning.read-user", tenant, c -> new UserTarget(apps.find(c, tenant.id(), appId),
                users.find(c, tenant.id(), userId), accounts.userAssigned(c, tenant.id(), appId, userId),
                accounts.find(c, tenant.id(), appId, AppAccount.Kind.user, userId),
                accounts.groupRemoteIdsOf(c, tenant.id(), appId, userId)));
    }

    /** Remote ids of the provisioned groups of the application the user is a member of, read now. */
    public List<String> groupsOf(TenantLocation tenant, UUID appId, UUID userId) {
        return tx.run("provisioning.read-user-groups", tenant, c -> accounts.groupRemoteIdsOf(c, tenant.id(), appId,
                userId));
    }

    public GroupTarget group(TenantLocation tenant, UUID appId, UUID groupId) {
        return tx.run("provisioning.read-group", tenant, c -> new GroupTarget(apps.find(c, tenant.id(), appId),
                groups.find(c, tenant.id(), groupId), accounts.groupAssigned(c, tenant.id(), appId, groupId),
                accounts.find(c, tenant.id(), appId, AppAccount.Kind.group, groupId),
                accounts.memberRemoteIds(c, tenant.id(), appId, groupId)));
    }

    /** The whole application, read in one transaction so users, groups and accounts agree with each other. */
    public Optional<AppTarget> app(TenantLocation tenant, UUID appId) {
        return tx.run("provisioning.read-app", tenant, c -> {
            Optional<Application> app = apps.find(c, tenant.id(), appId);
            if (app.isEmpty()) {
                return Optional.empty();
            }
            List<User> effective = all(after -> apps.effectiveUsers(c, tenant.id(), appId, after, PAGE));
            Map<UUID, Group> assigned = new java.util.HashMap<>();
            Map<UUID, List<UUID>> members = new java.util.HashMap<>();
            for (UUID groupId : apps.assignments(c, tenant.id(), appId).groups()) {
                Optional<Group> group = groups.find(c, tenant.id(), groupId);
                if (group.isPresent()) {
                    assigned.put(groupId, group.get());
                    members.put(groupId, all(after -> groups.members(c, tenant.id(), groupId, after, PAGE)).stream()
                            .map(User::id).toList());
                }
            }
            return Optional.of(new AppTarget(app.get(), effective, assigned, members,
                    bySubject(accounts.all(c, tenant.id(), appId, AppAccount.Kind.user)),
                    bySubject(accounts.all(c, tenant.id(), appId, AppAccount.Kind.group))));
        });
    }

    /** Records the account the application holds for `subject` after a successful create, adopt or replace. */
    public void remember(TenantLocation tenant, UUID appId, ProvisioningSubject subject, String remoteId,
            Optional<String> etag) {
        tx.run("provisioning.remember-account", tenant, c -> {
            accounts.remember(c, tenant.id(), appId, kind(subject), subject.id(), remoteId, etag);
            return null;
        });
    }

    /** Forgets the account after the application deleted it (or never had it). */
    public void forget(TenantLocation tenant, UUID appId, ProvisioningSubject subject) {
        tx.run("provisioning.forget-account", tenant, c -> accounts.forget(c, tenant.id(), appId, kind(subject),
                subject.id()));
    }

    /** Which of `ids` name users (`user`) or groups (`group`) of the tenant, to attribute remote accounts. */
    public Set<UUID> existing(TenantLocation tenant, AppAccount.Kind kind, Set<UUID> ids) {
        return tx.run("provisioning.attribute", tenant, c -> kind == AppAccount.Kind.user
                ? accounts.existingUsers(c, tenant.id(), ids) : accounts.existingGroups(c, tenant.id(), ids));
    }

    /**
     * A correction reconciliation found: bring `subject` in line, and if `adopt` names a remote id, first record it
     * as the subject's account (an account the application holds for one of ours that we had no row for, so that the
     * delivery addresses it).
     */
    public record Correction(ProvisioningSubject subject, String cause, Optional<String> adopt) {
        public Correction {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(adopt, "adopt");
        }
    }

    /** Enqueues every correction through the outbox, adopting where asked, in one transaction. */
    public void enqueue(TenantLocation tenant, UUID appId, List<Correction> corrections, ProvisioningQueue queue) {
        if (corrections.isEmpty()) {
            return;
        }
        tx.run("provisioning.enqueue-corrections", tenant, c -> {
            for (Correction correction : corrections) {
                if (correction.adopt().isPresent()) {
                    accounts.remember(c, tenant.id(), appId, kind(correction.subject()), correction.subject().id(),
                            correction.adopt().get(), Optional.empty());
                }
                queue.enqueue(c, tenant.id(), appId, correction.subject(), correction.cause());
            }
            return null;
        });
    }

    /** The tenant's applications reconciliation visits (SCIM base URL and credential set). */
    public List<UUID> provisionedApps(TenantLocation tenant) {
        return tx.run("provisioning.list-apps", tenant, c -> accounts.provisionedApps(c, tenant.id()));
    }

    private static AppAccount.Kind kind(ProvisioningSubject subject) {
        return switch (subject) {
            case ProvisioningSubject.User u -> AppAccount.Kind.user;
            case ProvisioningSubject.Group g -> AppAccount.Kind.group;
        };
    }

    private static Map<UUID, AppAccount> bySubject(List<AppAccount> rows) {
        return rows.stream().collect(Collectors.toMap(AppAccount::subjectId, Function.identity()));
    }

    @FunctionalInterface
    private interface PageReader<T> {
        Page<T> read(Optional<UUID> after) throws SQLException;
    }

    private static <T> List<T> all(PageReader<T> pages) throws SQLException {
        List<T> all = new ArrayList<>();
        Optional<UUID> after = Optional.empty();
        do {
            Page<T> page = pages.read(after);
            all.addAll(page.items());
            after = page.next();
        } while (after.isPresent());
        return all;
    }
}
