package iru.domain.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The regional databases' channel on which a change to a tenant's credentials (a client secret rotated, an
 * application deleted, a signing key activated, an API key revoked) is announced, so that every tenant plane drops
 * what it cached for that tenant. The payload is the tenant id; PostgreSQL delivers it when the transaction commits
 * and never if it rolls back.
 */
public final class CredentialChangeNotices {
    public static final String CHANNEL = "iru_tenant_credentials";

    private CredentialChangeNotices() {
    }

    /** Announces, inside the transaction that makes the change, that `tenant`'s credentials changed. */
    public static void announce(Connection c, TenantId tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select pg_notify(?, ?)")) {
            s.setString(1, CHANNEL);
            s.setString(2, tenant.value().toString());
            s.execute();
        }
    }
}
