package iru.application.identity;

import iru.domain.common.Page;
import iru.domain.common.ResourceNotFoundException;
import iru.domain.common.VersionMismatchException;
import iru.application.provisioning.ProvisioningFanOut;
import iru.domain.group.Group;
import iru.domain.group.GroupRepository;
import iru.domain.tenant.TenantLocation;
import iru.domain.user.User;
import iru.domain.user.UserFilter;
import iru.domain.user.UserProfile;
import iru.domain.user.UserRepository;
import iru.domain.user.UserStatus;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** Use cases for a tenant's users. Every mutation is one transaction in the tenant's region, journaled by trigger. */
public final class UserDirectory {
    private final TenantTransactions tx;
    private final UserRepository users;
    private final GroupRepository groups;
    private final ProvisioningFanOut provisioning;

    public UserDirectory(TenantTransactions tx, UserRepository users, GroupRepository groups,
            ProvisioningFanOut provisioning) {
        this.tx = tx;
        this.users = users;
        this.groups = groups;
        this.provisioning = provisioning;
    }

    /**
     * A new user reaches no application yet (assignments and memberships name existing users), so creating one
     * enqueues nothing and asks nothing more: the insert holds the tenant's journal lock until commit, and a query
     * after it would only lengthen the time every other writer of the tenant waits.
     */
    public User create(TenantLocation tenant, UserProfile profile) {
        return tx.run("CreateUser", tenant, c -> users.insert(c, tenant.id(), profile));
    }

    public User get(TenantLocation tenant, UUID id) {
        return tx.read("GetUser", tenant, users.byId(tenant.id(), id))
                .orElseThrow(() -> new ResourceNotFoundException("user", id));
    }

    public Page<User> list(TenantLocation tenant, UserFilter filter, Optional<UUID> after, int limit) {
        return tx.run("ListUsers", tenant, c -> users.list(c, tenant.id(), filter, after, limit));
    }

    /** Applies `change` to the current profile if the user is still at `expectedVersion` (when one is given). */
    public User update(TenantLocation tenant, UUID id, Optional<Integer> expectedVersion, UnaryOperator<UserProfile> change) {
        return tx.run("UpdateUser", tenant, c -> {
            User current = users.find(c, tenant.id(), id).orElseThrow(() -> new ResourceNotFoundException("user", id));
            Versions.require("user", expectedVersion, current.version());
            User changed = new User(id, change.apply(current.profile()), current.status(), current.version(),
                    current.createdAt(), current.updatedAt());
            User updated = users.update(c, tenant.id(), changed, current.version())
                    .orElseThrow(() -> new VersionMismatchException("user", current.version() + 1));
            provisioning.enqueue(c, tenant.id(), provisioning.user(c, tenant.id(), id), "user.updated");
            return updated;
        });
    }

    public User setStatus(TenantLocation tenant, UUID id, UserStatus status) {
        return tx.run(status == UserStatus.active ? "ReactivateUser" : "DeactivateUser", tenant, c -> {
            User current = users.find(c, tenant.id(), id).orElseThrow(() -> new ResourceNotFoundException("user", id));
            if (current.status() == status) {
                return current;
            }
            User changed = new User(id, current.profile(), status, current.version(), current.createdAt(),
                    current.updatedAt());
            User updated = users.update(c, tenant.id(), changed, current.version())
                    .orElseThrow(() -> new VersionMismatchException("user", current.version() + 1));
            provisioning.enqueue(c, tenant.id(), provisioning.user(c, tenant.id(), id),
                    status == UserStatus.active ? "user.reactivated" : "user.deactivated");
            return updated;
        });
    }

    public void delete(TenantLocation tenant, UUID id) {
        tx.run("DeleteUser", tenant, c -> {
            // Assignments and memberships go with the user: who must hear of it is read before they do.
            ProvisioningFanOut.Affected affected = provisioning.user(c, tenant.id(), id);
            if (!users.delete(c, tenant.id(), id)) {
                throw new ResourceNotFoundException("user", id);
            }
            provisioning.enqueue(c, tenant.id(), affected, "user.deleted");
            return null;
        });
    }

    public List<Group> groupsOf(TenantLocation tenant, UUID id) {
        return tx.run("ListGroupsOfUser", tenant, c -> {
            users.find(c, tenant.id(), id).orElseThrow(() -> new ResourceNotFoundException("user", id));
            return groups.groupsOf(c, tenant.id(), id);
        });
    }
}
