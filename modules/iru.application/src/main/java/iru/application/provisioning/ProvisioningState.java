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
import java.util.HashMap;
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
        return users(tenant, Map.of(appId, Set.of(userId))).get(appId).get(userId);
    }

    /**
     * The targets of several users in several applications of one tenant (a claimed batch), read in one transaction
     * with one statement per kind of fact and application, not one per user: by application, then by user id.
     */
    public Map<UUID, Map<UUID, UserTarget>> users(TenantLocation tenant, Map<UUID, Set<UUID>> userIdsByApp) {
        return tx.run("provisioning.read-users", tenant, c -> {
            Set<UUID> everyone = userIdsByApp.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
            Map<UUID, User> found = users.findAll(c, tenant.id(), everyone);
            Map<UUID, Map<UUID, UserTarget>> targets = new HashMap<>();
            for (Map.Entry<UUID, Set<UUID>> entry : userIdsByApp.entrySet()) {
                UUID appId = entry.getKey();
                Set<UUID> ids = entry.getValue();
                Optional<Application> app = apps.find(c, tenant.id(), appId);
                Set<UUID> assigned = app.isEmpty() ? Set.of() : accounts.assignedUsers(c, tenant.id(), appId, ids);
                Map<UUID, AppAccount> userAccounts = app.isEmpty() ? Map.of()
                        : accounts.findAll(c, tenant.id(), appId, AppAccount.Kind.user, ids);
                Map<UUID, List<String>> groupIds = app.isEmpty() ? Map.of()
                        : accounts.groupRemoteIdsOf(c, tenant.id(), appId, ids);
                Map<UUID, UserTarget> byUser = new HashMap<>();
                for (UUID id : ids) {
                    byUser.put(id, new UserTarget(app, Optional.ofNullable(found.get(id)), assigned.contains(id),
                            Optional.ofNullable(userAccounts.get(id)), groupIds.getOrDefault(id, List.of())));
                }
                targets.put(appId, byUser);
            }
            return targets;
        });
    }

    /** Remote ids of the provisioned groups of the application the user is a member of, read now. */
    public List<String> groupsOf(TenantLocation tenant, UUID appId, UUID userId) {
        return groupsOf(tenant, Map.of(appId, Set.of(userId))).get(appId).getOrDefault(userId, List.of());
    }

    /** {@link #groupsOf(TenantLocation, UUID, UUID)} of several users, in one transaction: by application, user. */
    public Map<UUID, Map<UUID, List<String>>> groupsOf(TenantLocation tenant, Map<UUID, Set<UUID>> userIdsByApp) {
        return tx.run("provisioning.read-user-groups", tenant, c -> {
            Map<UUID, Map<UUID, List<String>>> byApp = new HashMap<>();
            for (Map.Entry<UUID, Set<UUID>> entry : userIdsByApp.entrySet()) {
                byApp.put(entry.getKey(), accounts.groupRemoteIdsOf(c, tenant.id(), entry.getKey(), entry.getValue()));
            }
            return byApp;
        });
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
        rememberAll(tenant, List.of(new Account(appId, subject, remoteId, etag)));
    }

    /** An account the application now holds for `subject`: its remote id and ETag. */
    public record Account(UUID appId, ProvisioningSubject subject, String remoteId, Optional<String> etag) {
        public Account {
            Objects.requireNonNull(appId, "appId");
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(remoteId, "remoteId");
            Objects.requireNonNull(etag, "etag");
        }
    }

    /** {@link #remember} of several accounts, in one transaction: they commit together or not at all. */
    public void rememberAll(TenantLocation tenant, List<Account> written) {
        tx.run("provisioning.remember-account", tenant, c -> {
            accounts.rememberAll(c, tenant.id(), written.stream().map(a -> new AppAccountRepository.Remote(
                    a.appId(), kind(a.subject()), a.subject().id(), a.remoteId(), a.etag())).toList());
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
