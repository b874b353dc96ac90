package iru.domain.tenant;

import iru.foundation.database.OrmSessions;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;

/**
 * The tenant record in a regional database, through Hibernate. Every method runs inside a transaction the router
 * opened for that tenant, so row-level security limits each statement to the tenant's own row.
 */
public final class TenantRecords {
    /** The entity classes this repository needs the session factory to know. */
    public static final List<Class<?>> ENTITIES = List.of(TenantRecordEntity.class);

    private final OrmSessions orm;

    public TenantRecords(OrmSessions orm) {
        this.orm = orm;
    }

    /** Stores the record unless it is already there (a retried creation), and returns what is stored. */
    public Tenant insertIfAbsent(Connection c, Tenant tenant) {
        return orm.inSession(c, session -> {
            TenantRecordEntity stored = session.find(TenantRecordEntity.class, tenant.id().value());
            if (stored == null) {
                stored = new TenantRecordEntity(tenant);
                session.persist(stored);
            }
            return stored.toTenant();
        });
    }

    public Optional<Tenant> find(Connection c, TenantId id) {
        return orm.inSession(c, session -> Optional.ofNullable(session.find(TenantRecordEntity.class, id.value()))
                .map(TenantRecordEntity::toTenant));
    }

    /** Records a suspension or resumption with its reason; the row trigger journals it with the acting operator. */
    public Tenant changeStatus(Connection c, TenantId id, TenantStatus status, String reason) {
        return orm.inSession(c, session -> {
            TenantRecordEntity stored = session.find(TenantRecordEntity.class, id.value());
            if (stored == null) {
                throw new TenantNotFoundException(id.toString());
            }
            stored.changeStatus(status, reason);
            return stored.toTenant();
        });
    }

    /** The tenant's own WebAuthn relying party, or empty while it uses the deployment's. */
    public Optional<WebAuthnRelyingParty> relyingParty(Connection c, TenantId id) {
        return orm.inSession(c, session -> Optional.ofNullable(session.find(TenantRecordEntity.class, id.value()))
                .orElseThrow(() -> new TenantNotFoundException(id.toString())).relyingParty());
    }

    /** Sets (or, when empty, clears) the tenant's relying party; the row trigger journals the change. */
    public void changeRelyingParty(Connection c, TenantId id, Optional<WebAuthnRelyingParty> relyingParty) {
        orm.inSession(c, session -> {
            TenantRecordEntity stored = session.find(TenantRecordEntity.class, id.value());
            if (stored == null) {
                throw new TenantNotFoundException(id.toString());
            }
            stored.changeRelyingParty(relyingParty);
            return null;
        });
    }

    /** Deletes the record and, by cascade, every tenant-scoped row; the journals record each deletion. */
    public boolean delete(Connection c, TenantId id) {
        return orm.inSession(c, session -> {
            TenantRecordEntity stored = session.find(TenantRecordEntity.class, id.value());
            if (stored == null) {
                return false;
            }
            session.remove(stored);
            return true;
        });
    }
}
