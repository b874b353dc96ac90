package iru.application.identity;

import iru.application.provisioning.ProvisioningFanOut;
import iru.application.tenant.CredentialChanges;
import iru.domain.application.Application;
import iru.domain.application.ApplicationRepository;
import iru.domain.application.ApplicationSettings;
import iru.domain.application.Assignments;
import iru.domain.application.ScimCredential;
import iru.domain.application.ScimEndpointRule;
import iru.domain.common.Page;
import iru.domain.common.ResourceNotFoundException;
import iru.domain.common.VersionMismatchException;
import iru.domain.group.GroupRepository;
import iru.domain.tenant.TenantLocation;
import iru.domain.user.User;
import iru.domain.user.UserRepository;
import iru.foundation.secrets.Secret;
import iru.foundation.secrets.SecretStore;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Use cases for a tenant's applications, their SCIM credentials and who is assigned to them. A SCIM credential is
 * written to the secret store under a name derived from the tenant and application ids and is never read back here.
 */
public final class ApplicationDirectory {
    /** What an application's credential is overwritten with when the application goes (see {@link #delete}). */
    static final Secret ORPHANED_CREDENTIAL = new Secret("orphaned: application deleted");

    private final TenantTransactions tx;
    private final ApplicationRepository apps;
    private final UserRepository users;
    private final GroupRepository groups;
    private final SecretStore secrets;
    private final ScimEndpointRule scimEndpoints;
    private final ProvisioningFanOut provisioning;
    private final CredentialChanges credentialChanges;

    public ApplicationDirectory(TenantTransactions tx, ApplicationRepository apps, UserRepository users,
            GroupRepository groups, SecretStore secrets, ScimEndpointRule scimEndpoints,
            ProvisioningFanOut provisioning, CredentialChanges credentialChanges) {
        this.provisioning = provisioning;
        this.tx = tx;
        this.apps = apps;
        this.users = users;
        this.groups = groups;
        this.secrets = secrets;
        this.scimEndpoints = scimEndpoints;
        this.credentialChanges = credentialChanges;
    }

    public Application create(TenantLocation tenant, String templateKey, ApplicationSettings settings) {
        scimEndpoints.check(settings.scimBaseUrl());
        return tx.run("CreateApplication", tenant, c -> apps.insert(c, tenant.id(), templateKey, settings));
    }

    public Application get(TenantLocation tenant, UUID id) {
        return tx.run("GetApplication", tenant, c -> apps.find(c, tenant.id(), id))
                .orElseThrow(() -> new ResourceNotFoundException("application", id));
    }

    public Page<Application> list(TenantLocation tenant, Optional<UUID> after, int limit) {
        return tx.run("ListApplications", tenant, c -> apps.list(c, tenant.id(), after, limit));
    }

    public Application update(TenantLocation tenant, UUID id, Optional<Integer> expectedVersion,
            UnaryOperator<ApplicationSettings> change) {
        Application result = tx.run("UpdateApplication", tenant, c -> {
            Application current = apps.find(c, tenant.id(), id)
                    .orElseThrow(() -> new ResourceNotFoundException("application", id));
            Versions.require("application", expectedVersion, current.version());
            ApplicationSettings settings = change.apply(current.settings());
            scimEndpoints.check(settings.scimBaseUrl());
            Application changed = new Application(id, current.templateKey(), settings, current.version(),
                    current.createdAt(), current.updatedAt(), current.scimCredentialSetAt());
            Application updated = apps.update(c, tenant.id(), changed, current.version())
                    .orElseThrow(() -> new VersionMismatchException("application", current.version() + 1));
            if (!java.util.Objects.equals(current.settings().scimBaseUrl(), settings.scimBaseUrl())) {
                provisioning.enqueue(c, tenant.id(), provisioning.application(c, tenant.id(), id),
                        "app.scim-changed");
            }
            if (!current.settings().allowedScopes().equals(settings.allowedScopes())) {
                // A verified client is cached with its allowed scopes: narrowing them must take effect at once.
                credentialChanges.announce(c, tenant.id());
            }
            return updated;
        });
        credentialChanges.forget(tenant.id());
        return result;
    }

    /**
     * Stores the application's SCIM credential (replacing any earlier one) and records when. The application row is
     * locked first and must exist in this tenant, so another tenant's application id stores nothing and is a 404.
     * The secret is written inside the transaction: if the store fails, nothing is recorded; if the commit fails
     * after it, the secret is written but not marked set, and the next PUT overwrites it.
     */
    public Instant setScimCredential(TenantLocation tenant, UUID id, ScimCredential credential) {
        String name = ScimCredential.secretName(tenant.id(), id);
        return tx.run("SetScimCredential", tenant, c -> {
            Optional<Instant> set = apps.setScimCredential(c, tenant.id(), id,
                    () -> secrets.store(name, new Secret(credential.reveal())));
            if (set.isPresent()) {
                provisioning.enqueue(c, tenant.id(), provisioning.application(c, tenant.id(), id),
                        "app.credential-changed");
            }
            return set;
        }).orElseThrow(() -> new ResourceNotFoundException("application", id));
    }

    /**
     * Deletes the application; its credential record goes with it (cascade) and the credential in the secret store
     * is orphan-marked: overwritten with {@link #ORPHANED_CREDENTIAL} before the commit, so the token no longer sits
     * under a live name. The secret itself is not deleted: the secret store has no delete yet. Every tenant plane
     * forgets the application's verified client credentials at commit (this one at once).
     */
    public void delete(TenantLocation tenant, UUID id) {
        tx.run("DeleteApplication", tenant, c -> {
            Application app = apps.find(c, tenant.id(), id)
                    .orElseThrow(() -> new ResourceNotFoundException("application", id));
            if (!apps.delete(c, tenant.id(), id)) {
                throw new ResourceNotFoundException("application", id);
            }
            if (app.scimCredentialSetAt().isPresent()) {
                secrets.store(ScimCredential.secretName(tenant.id(), id), ORPHANED_CREDENTIAL);
            }
            credentialChanges.announce(c, tenant.id());
            return null;
        });
        credentialChanges.forget(tenant.id());
    }

    public Assignments assignments(TenantLocation tenant, UUID id) {
        return tx.run("ListAssignments", tenant, c -> {
            requireApp(c, tenant, id);
            return apps.assignments(c, tenant.id(), id);
        });
    }

    public void assignUser(TenantLocation tenant, UUID appId, UUID userId) {
        tx.run("AssignUser", tenant, c -> {
            requireApp(c, tenant, appId);
            users.find(c, tenant.id(), userId).orElseThrow(() -> new ResourceNotFoundException("user", userId));
            apps.assignUser(c, tenant.id(), appId, userId);
            provisioning.enqueue(c, tenant.id(), provisioning.userAssignment(c, tenant.id(), appId, userId),
                    "assignment.added");
            return null;
        });
    }

    public void unassignUser(TenantLocation tenant, UUID appId, UUID userId) {
        tx.run("UnassignUser", tenant, c -> {
            if (!apps.unassignUser(c, tenant.id(), appId, userId)) {
                throw new ResourceNotFoundException("assignment", appId + "/users/" + userId);
            }
            provisioning.enqueue(c, tenant.id(), provisioning.userAssignment(c, tenant.id(), appId, userId),
                    "assignment.removed");
            return null;
        });
    }

    public void assignGroup(TenantLocation tenant, UUID appId, UUID groupId) {
        tx.run("AssignGroup", tenant, c -> {
            requireApp(c, tenant, appId);
            groups.find(c, tenant.id(), groupId).orElseThrow(() -> new ResourceNotFoundException("group", groupId));
            apps.assignGroup(c, tenant.id(), appId, groupId);
            provisioning.enqueue(c, tenant.id(), provisioning.groupAssignment(c, tenant.id(), appId, groupId),
                    "assignment.added");
            return null;
        });
    }

    public void unassignGroup(TenantLocation tenant, UUID appId, UUID groupId) {
        tx.run("UnassignGroup", tenant, c -> {
            if (!apps.unassignGroup(c, tenant.id(), appId, groupId)) {
                throw new ResourceNotFoundException("assignment", appId + "/groups/" + groupId);
            }
            provisioning.enqueue(c, tenant.id(), provisioning.groupAssignment(c, tenant.id(), appId, groupId),
                    "assignment.removed");
            return null;
        });
    }

    public Page<User> effectiveUsers(TenantLocation tenant, UUID appId, Optional<UUID> after, int limit) {
        return tx.run("ListEffectiveUsers", tenant, c -> {
            requireApp(c, tenant, appId);
            return apps.effectiveUsers(c, tenant.id(), appId, after, limit);
        });
    }

    private void requireApp(java.sql.Connection c, TenantLocation tenant, UUID id) throws java.sql.SQLException {
        apps.find(c, tenant.id(), id).orElseThrow(() -> new ResourceNotFoundException("application", id));
    }
}
