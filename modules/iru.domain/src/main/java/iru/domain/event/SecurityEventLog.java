package iru.domain.event;

import iru.domain.common.Page;
import iru.domain.common.Sql;
import iru.domain.tenant.TenantId;
import iru.foundation.database.AuditActor;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The tenant's append-only security event log (`security_events`, journaled like state). Events are written in the
 * transaction of the change they describe, so a fact and its event commit or roll back together.
 */
public final class SecurityEventLog {
    private final SecureRandom random;

    public SecurityEventLog(SecureRandom random) {
        this.random = random;
    }

    /** What a listing may be narrowed to. */
    public record Filter(Optional<String> kind, Optional<String> subject, Optional<Instant> since) {
    }

    public SecurityEvent append(Connection c, TenantId tenant, String kind, Optional<String> subject,
            Map<String, String> detail) throws SQLException {
        Instant now = Sql.now();
        String actor = AuditActor.CURRENT.isBound() ? AuditActor.CURRENT.get() : "system";
        SecurityEvent event = new SecurityEvent(uuidV7(now), now, kind, actor, subject, detail);
        List<String> keys = event.detail().keySet().stream().sorted().toList();
        Sql.update(c, "insert into security_events (tenant_id, event_id, occurred_at, kind, actor, subject, detail)"
                        + " values (?, ?, ?, ?, ?, ?, jsonb_object(?::text[], ?::text[]))", tenant.value(), event.id(),
                Sql.timestamp(event.occurredAt()), event.kind(), event.actor(), subject.orElse(null),
                c.createArrayOf("text", keys.toArray()),
                c.createArrayOf("text", keys.stream().map(event.detail()::get).toArray()));
        return event;
    }

    public Page<SecurityEvent> list(Connection c, TenantId tenant, Filter filter, Optional<UUID> after, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("select event_id, occurred_at, kind, actor, subject,"
                + " array(select key from jsonb_each_text(detail) order by key),"
                + " array(select value from jsonb_each_text(detail) order by key)"
                + " from security_events where tenant_id = ? and event_id > ?");
        List<Object> args = new ArrayList<>(List.of(tenant.value(), after.orElse(Sql.FIRST_UUID)));
        filter.kind().ifPresent(kind -> {
            sql.append(" and kind = ?");
            args.add(kind);
        });
        filter.subject().ifPresent(subject -> {
            sql.append(" and subject = ?");
            args.add(subject);
        });
        filter.since().ifPresent(since -> {
            sql.append(" and occurred_at >= ?");
            args.add(Sql.timestamp(since));
        });
        sql.append(" order by event_id limit ?");
        args.add(limit + 1);
        List<SecurityEvent> rows = Sql.list(c, sql.toString(), args, rs -> new SecurityEvent(
                Sql.uuid(rs, "event_id"), Sql.instant(rs, "occurred_at"), rs.getString("kind"),
                rs.getString("actor"), Optional.ofNullable(rs.getString("subject")), detail(rs)));
        return Page.of(rows, limit, SecurityEvent::id);
    }

    /** RFC 9562 version 7: 48 bits of Unix milliseconds, then random bits; orders by time as PostgreSQL compares. */
    UUID uuidV7(Instant at) {
        long millis = at.toEpochMilli();
        long high = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }

    private static Map<String, String> detail(java.sql.ResultSet rs) throws SQLException {
        String[] keys = (String[]) rs.getArray(6).getArray();
        String[] values = (String[]) rs.getArray(7).getArray();
        Map<String, String> detail = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            detail.put(keys[i], values[i]);
        }
        return detail;
    }
}
