package iru.application.provisioning;

import iru.domain.provisioning.OutboxEntry;
import iru.domain.provisioning.ProvisioningOutbox.Targets;
import iru.domain.tenant.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Decides, inside the transaction of a directory change, which subjects of which SCIM-enabled applications must be
 * brought in line, and writes those outbox rows. Where the change removes the links that say who is affected (a
 * deleted user or group), the caller computes the targets first and enqueues them after the change.
 */
public final class ProvisioningFanOut {
    private final OutboxQueue queue;

    public ProvisioningFanOut(OutboxQueue queue) {
        this.queue = queue;
    }

    /** What to enqueue for a change, computed before it (see {@link #enqueue}). */
    public record Affected(Set<OutboxEntry> entries) {
        public Affected {
            entries = Set.copyOf(entries);
        }
    }

    /** A user's account in every application the user reaches. */
    public Affected user(Connection c, TenantId tenant, UUID userId) throws SQLException {
        Set<OutboxEntry> entries = new LinkedHashSet<>();
        for (UUID app : Targets.appsOfUser(c, tenant, userId)) {
            entries.add(OutboxEntry.user(app, userId));
        }
        return new Affected(entries);
    }

    /** A group in every application it is assigned to, and each member's account there. */
    public Affected group(Connection c, TenantId tenant, UUID groupId) throws SQLException {
        Set<OutboxEntry> entries = new LinkedHashSet<>();
        List<UUID> members = Targets.members(c, tenant, groupId);
        for (UUID app : Targets.appsOfGroup(c, tenant, groupId)) {
            entries.add(OutboxEntry.group(app, groupId));
            members.forEach(member -> entries.add(OutboxEntry.user(app, member)));
        }
        return new Affected(entries);
    }

    /** One membership: the member's account and the group in each application the group is assigned to. */
    public Affected membership(Connection c, TenantId tenant, UUID groupId, UUID userId) throws SQLException {
        Set<OutboxEntry> entries = new LinkedHashSet<>();
        for (UUID app : Targets.appsOfGroup(c, tenant, groupId)) {
            entries.add(OutboxEntry.user(app, userId));
            entries.add(OutboxEntry.group(app, groupId));
        }
        return new Affected(entries);
    }

    /** A direct assignment of a user to an application. */
    public Affected userAssignment(Connection c, TenantId tenant, UUID appId, UUID userId) throws SQLException {
        return new Affected(Targets.hasScimEndpoint(c, tenant, appId) ? Set.of(OutboxEntry.user(appId, userId))
                : Set.of());
    }

    /** A group's assignment to an application: the group there, and each member's account. */
    public Affected groupAssignment(Connection c, TenantId tenant, UUID appId, UUID groupId) throws SQLException {
        if (!Targets.hasScimEndpoint(c, tenant, appId)) {
            return new Affected(Set.of());
        }
        Set<OutboxEntry> entries = new LinkedHashSet<>();
        entries.add(OutboxEntry.group(appId, groupId));
        Targets.members(c, tenant, groupId).forEach(member -> entries.add(OutboxEntry.user(appId, member)));
        return new Affected(entries);
    }

    /** Everyone and every group assigned to the application (its SCIM endpoint or credential changed). */
    public Affected application(Connection c, TenantId tenant, UUID appId) throws SQLException {
        if (!Targets.hasScimEndpoint(c, tenant, appId)) {
            return new Affected(Set.of());
        }
        List<OutboxEntry> entries = new ArrayList<>();
        Targets.effectiveUsers(c, tenant, appId).forEach(user -> entries.add(OutboxEntry.user(appId, user)));
        Targets.assignedGroups(c, tenant, appId).forEach(group -> entries.add(OutboxEntry.group(appId, group)));
        return new Affected(new LinkedHashSet<>(entries));
    }

    /** Writes the rows, in a stable order (applications, then users before groups, then ids). */
    public void enqueue(Connection c, TenantId tenant, Affected affected, String cause) throws SQLException {
        List<OutboxEntry> ordered = new ArrayList<>(affected.entries());
        ordered.sort(java.util.Comparator.comparing(OutboxEntry::appId)
                .thenComparing(e -> e.subjectKind().equals(OutboxEntry.USER) ? 0 : 1)
                .thenComparing(OutboxEntry::subjectId));
        queue.enqueueAll(c, tenant, ordered, cause);
    }
}
