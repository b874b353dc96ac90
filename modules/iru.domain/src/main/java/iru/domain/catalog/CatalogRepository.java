package iru.domain.catalog;

import iru.domain.common.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The local copy of the catalog (`catalog_templates`), the same table in the directory and every region. */
public final class CatalogRepository {
    /** What one upsert did to a key. */
    public enum Change { ADDED, UPDATED, UNCHANGED }

    /** What removing a key that upstream no longer lists did. */
    public enum Removal { REMOVED, DEPRECATED, ALREADY_DEPRECATED }

    public Change upsert(Connection c, CatalogTemplate t, Instant syncedAt) throws SQLException {
        Optional<byte[]> existingHash = Optional.empty();
        String existingStatus = null;
        try (PreparedStatement s = c.prepareStatement("select content_hash, status from catalog_templates where key = ? for update")) {
            s.setString(1, t.key());
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    existingHash = Optional.of(rs.getBytes(1));
                    existingStatus = rs.getString(2);
                }
            }
        }
        byte[] hash = t.contentHash();
        if (existingHash.isPresent() && Arrays.equals(existingHash.get(), hash) && "active".equals(existingStatus)) {
            return Change.UNCHANGED;
        }
        try (PreparedStatement s = c.prepareStatement("""
                insert into catalog_templates (key, name, description, logo_url, protocols, scim_capabilities,
                    configuration_schema, content_hash, status, synced_at)
                values (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, 'active', ?)
                on conflict (key) do update set name = excluded.name, description = excluded.description,
                    logo_url = excluded.logo_url, protocols = excluded.protocols,
                    scim_capabilities = excluded.scim_capabilities, configuration_schema = excluded.configuration_schema,
                    content_hash = excluded.content_hash, status = 'active', synced_at = excluded.synced_at""")) {
            s.setString(1, t.key());
            s.setString(2, t.name());
            s.setString(3, t.description());
            s.setString(4, t.logoUrl());
            s.setArray(5, c.createArrayOf("text", t.protocols().toArray()));
            s.setString(6, t.scimCapabilitiesJson());
            s.setString(7, t.configurationSchemaJson());
            s.setBytes(8, hash);
            s.setTimestamp(9, Sql.timestamp(syncedAt));
            s.executeUpdate();
        }
        return existingHash.isPresent() ? Change.UPDATED : Change.ADDED;
    }

    /**
     * Deletes a template upstream no longer lists, unless an application still uses it: then the foreign key from
     * `applications` refuses the delete (it is checked without row-level security) and the template is deprecated.
     */
    public Removal remove(Connection c, String key, boolean forceDeprecate) throws SQLException {
        if (!forceDeprecate) {
            Savepoint beforeDelete = c.setSavepoint();
            try (PreparedStatement s = c.prepareStatement("delete from catalog_templates where key = ?")) {
                s.setString(1, key);
                s.executeUpdate();
                c.releaseSavepoint(beforeDelete);
                return Removal.REMOVED;
            } catch (SQLException e) {
                if (!Sql.isForeignKeyViolation(e)) {
                    throw e;
                }
                c.rollback(beforeDelete);
            }
        }
        try (PreparedStatement s = c.prepareStatement(
                "update catalog_templates set status = 'deprecated' where key = ? and status <> 'deprecated'")) {
            s.setString(1, key);
            return s.executeUpdate() > 0 ? Removal.DEPRECATED : Removal.ALREADY_DEPRECATED;
        }
    }

    public Map<String, CatalogEntry> all(Connection c) throws SQLException {
        Map<String, CatalogEntry> entries = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("select key, name, description, logo_url, protocols,"
                + " scim_capabilities::text, configuration_schema::text, status, synced_at from catalog_templates order by key");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String[] protocols = (String[]) rs.getArray(5).getArray();
                CatalogTemplate t = new CatalogTemplate(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), List.of(protocols), rs.getString(6), rs.getString(7));
                entries.put(t.key(), new CatalogEntry(t, "deprecated".equals(rs.getString(8)), Sql.instant(rs, "synced_at")));
            }
        }
        return entries;
    }

    public List<CatalogEntry> list(Connection c) throws SQLException {
        return new ArrayList<>(all(c).values());
    }
}
